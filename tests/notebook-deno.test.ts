// The A3 and A4 notebook suites on Deno's kernel (dlvr-deno), in one file so the two long runs do not compete
// for the cores with each other; tests/notebook-a3.test.ts and notebook-a4.test.ts run them on tslab.
import { DENO_KERNEL_NAME } from "../scripts/deno-kernel-spec";
import { a3NotebookSuite } from "./notebook-a3-suite";
import { a4NotebookSuite } from "./notebook-a4-suite";

a3NotebookSuite(DENO_KERNEL_NAME);
a4NotebookSuite(DENO_KERNEL_NAME);
