// A server process for the shutdown test: the real startServer + signal handling, with a fake
// model that takes `argv[2]` ms per call, so a request can be in flight when SIGTERM arrives.
import { handleSignals, startServer } from "../src/server.js";
import { fakeModel, fakePredictor } from "./helpers.js";

const delayMs = Number(process.argv[2] ?? "1000");
const server = await startServer({ host: "127.0.0.1", port: 0, shutdownGraceMs: 10_000, serve: { log: process.stdout } }, async () =>
  fakeModel(fakePredictor({ delayMs })),
);
handleSignals(server, 10_000);
await server.ready;
