// A4 notebook on the default kernel (tslab); the same suite runs on Deno in tests/notebook-deno.test.ts.
import { KERNEL_NAME } from "../scripts/install-kernel";
import { a4NotebookSuite } from "./notebook-a4-suite";

a4NotebookSuite(KERNEL_NAME);
