// A kernel that dies before it answers (most often: another process bound one of its ports between jupyter_client
// choosing it and the kernel binding it, as parallel kernels in this suite do) is started again with new ports;
// one that keeps dying is reported as fatal after a few attempts, not retried forever.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { installDenoKernel, installKernelSpec, installTslabKernel } from "../scripts/install-kernel";
import { runNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, writeNotebook } from "./notebook-helpers";

// Start N of this kernel: the first FAIL_STARTS ones find one of their ports ($PORT_FIELD of the connection file)
// taken: a process holds it while the kit's real kernel starts on it and meets a real "Address already in use"
// (Deno's kernel lost its heartbeat port so in CI). Later starts run normally.
const WRAPPER = `#!/bin/bash
n=$(( $(cat "$COUNTER" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$COUNTER"
if [ "$n" -le "$FAIL_STARTS" ]; then
  ready="$COUNTER.held.$n"
  /usr/bin/python3 -c '
import json, socket, sys, time
c = json.load(open(sys.argv[1])); s = socket.socket(); s.bind((c["ip"], c[sys.argv[3]])); s.listen()
open(sys.argv[2], "w").close(); time.sleep(60)' "$1" "$ready" "$PORT_FIELD" &
  holder=$!
  for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.05; done
  bash "$REAL_LAUNCHER" "$1"; rc=$?
  kill $holder; exit $rc
fi
exec bash "$REAL_LAUNCHER" "$1"
`;

let copy: ReturnType<typeof makeProjectCopy>;
let scratch: string;
function flakyKernel(name: string, failStarts: number, base: "tslab" | "deno", portField: string): { name: string; counter: string } {
  const real = base === "tslab" ? installTslabKernel(copy.root) : installDenoKernel(copy.root);
  const spec = JSON.parse(fs.readFileSync(real.path, "utf8"));
  const counter = path.join(scratch, `${name}.count`);
  installKernelSpec({
    name,
    displayName: name,
    language: "typescript",
    argv: ["bash", "{kernel_dir}/flaky.sh", "{connection_file}"],
    env: {
      ...spec.env,
      COUNTER: counter,
      FAIL_STARTS: String(failStarts),
      PORT_FIELD: portField,
      REAL_LAUNCHER: path.join(real.dir, base === "tslab" ? "tslab-kernel.sh" : "deno-kernel.sh"),
    },
    files: { "flaky.sh": WRAPPER },
  });
  return { name, counter };
}
const starts = (counter: string) => Number(fs.readFileSync(counter, "utf8").trim());

beforeAll(() => {
  copy = makeProjectCopy();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-kernel-start-"));
});
afterAll(() => {
  copy?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

for (const [base, portField] of [["deno", "hb_port"], ["tslab", "shell_port"]] as const) {
  it(`starts the ${base} kernel again when its ${portField} was taken at start-up, and runs every cell`, async () => {
    const k = flakyKernel(`dlvr-test-${base}-port-taken-once`, 1, base, portField);
    const nb = writeNotebook(copy.root, `port_taken_once_${base}`, `// %% id=a\nconsole.log(6 * 7);\n`);
    const run = await runNotebook(nb, { kernel: k.name, timeoutSec: 60 });
    expect(run.fatal).toBeNull();
    expect(run.cells.find((c) => c.id === "a")).toMatchObject({ stdout: "42\n", error: null });
    expect(starts(k.counter)).toBe(2);
  });
}

it("reports a kernel that never gets its ports as fatal after three attempts", async () => {
  const k = flakyKernel("dlvr-test-port-always-taken", 1000, "tslab", "shell_port");
  const nb = writeNotebook(copy.root, "port_always_taken", `// %% id=a\nconsole.log(1);\n`);
  const run = await runNotebook(nb, { kernel: k.name, timeoutSec: 60 });
  expect(run.fatal ?? "").toMatch(/Kernel died before replying to kernel_info/);
  expect(run.fatal ?? "").toMatch(/cannot listen on port \d+ \(Address already in use\)/);
  expect(run.cells.find((c) => c.id === "a")?.stdout).toBe("");
  expect(starts(k.counter)).toBe(3);
});
