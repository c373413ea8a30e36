// A3 notebook on the default kernel (tslab); the same suite runs on Deno in tests/notebook-deno.test.ts.
import { KERNEL_NAME } from "../scripts/install-kernel";
import { a3NotebookSuite } from "./notebook-a3-suite";

a3NotebookSuite(KERNEL_NAME);
