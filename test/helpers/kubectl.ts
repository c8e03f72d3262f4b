// The kubectl the tests run: the one test/cluster/build.sh builds from the Go module proxy (and
// caches), so `npm test` needs no kubectl on the machine.
import { join } from "node:path";
import { ensureBinaries } from "../cluster/cluster.js";

export const KUBECTL = join(await ensureBinaries(), "kubectl");
