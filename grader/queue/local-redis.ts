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

async function freePort(): Promise<number> {
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
export async function startLocalRedis(o: { appendonly?: boolean } = {}): Promise<LocalRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no", "--logfile", path.join(dir, "redis.log"),
    ...(o.appendonly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"])];
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: "ignore" });
    const c = child;
    let exited = false;
    c.once("exit", () => { exited = true; });
    for (let i = 0; i < 100; i++) {
      if (exited) break;
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill("SIGKILL");
    throw new Error(`redis-server did not start on port ${port}: ${fs.existsSync(path.join(dir, "redis.log")) ? fs.readFileSync(path.join(dir, "redis.log"), "utf8").slice(-500) : ""}`);
  };
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill(signal);
    await gone;
    child = null;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`, port, dir, stop, restart: start,
    async dispose() {
      await stop("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
