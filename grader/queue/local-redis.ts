/**
 * A throw-away redis-server on 127.0.0.1 for the queue's tests and benchmark (Debian's redis-server): a free
 * port, its own folder, persistence as asked. Real deployments use a Redis of their own (see README.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  /** Kills the server (SIGKILL: a crash; SIGTERM: a clean shutdown) and waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and folder (the append-only file brings the data back). */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export const REDIS_SERVER = "/usr/bin/redis-server";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, "127.0.0.1");
    let got = "";
    c.setTimeout(500, () => { c.destroy(); resolve(false); });
    c.on("connect", () => c.write("PING\r\n"));
    c.on("data", (d) => {
      got += d.toString();
      if (got.includes("\r\n")) { c.end(); resolve(got.startsWith("+PONG")); }
    });
    c.on("error", () => resolve(false));
  });
}

/** appendonly: every write is in the append-only file, fsynced before the reply (survives SIGKILL). */
/** choosePort: where to try first (tests); a free port by default. */
export async function startLocalRedis(o: { appendonly?: boolean; choosePort?: () => Promise<number> } = {}): Promise<LocalRedis> {
  const choosePort = o.choosePort ?? freePort;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-redis-"));
  const log = path.join(dir, "redis.log");
  const argsFor = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no", "--logfile", log,
    ...(o.appendonly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"])];
  let child: ChildProcess | null = null;
  /** "exited" when the server quit at once (typically: the port was taken after freePort chose it). */
  const launch = async (port: number): Promise<"up" | "exited"> => {
    child = spawn(REDIS_SERVER, argsFor(port), { stdio: "ignore" });
    const c = child;
    let exited = false;
    c.once("exit", () => { exited = true; });
    for (let i = 0; i < 100; i++) {
      if (exited) return "exited";
      if (await ping(port)) return "up";
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill("SIGKILL");
    throw new Error(`redis-server did not answer on port ${port} within 5 s: ${fs.existsSync(log) ? fs.readFileSync(log, "utf8").slice(-500) : ""}`);
  };
  const failed = (port: number) =>
    new Error(`redis-server did not start on port ${port}: ${fs.existsSync(log) ? fs.readFileSync(log, "utf8").slice(-500) : ""}`);
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill(signal);
    await gone;
    child = null;
  };
  // Another process (parallel tests start kernels and servers) can bind the chosen port before redis does; a
  // fresh port then. A restart must keep its port: clients hold the URL.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await choosePort();
    if ((await launch(port)) === "up") break;
    if (attempt === 3) throw failed(port);
  }
  const restart = async () => {
    if ((await launch(port)) !== "up") throw failed(port);
  };
  return {
    url: `redis://127.0.0.1:${port}`, port, dir, stop, restart,
    async dispose() {
      await stop("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
