// Runs portable test modules under MicroPython (the npm wasm build the browser uses), in Node.
//
//   node tests/mpy/run.mjs [DIR_OR_FILE ...]      (default: tests/pure)
//
// Copies lite_app/**.py and each given folder's .py files into MicroPython's file system, imports every
// test_*.py, runs each test_* function (awaiting coroutines inside an asyncio task, as the app does),
// prints each failure with its traceback and a last line "N passed, N failed". Exits non-zero when a
// test fails, a module does not import, or no test ran at all.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MPY = path.join(ROOT, "node_modules", "@micropython", "micropython-webassembly-pyscript", "micropython.mjs");
const FS_ROOT = "/xcplite";
const TIMEOUT_S = Number(process.env.MPY_TEST_TIMEOUT_S || 600);

function pyFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "__pycache__") out.push(...pyFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".py")) out.push(full);
  }
  return out;
}

function copyIn(mp, files) {
  for (const file of files) {
    const target = path.posix.join(FS_ROOT, path.relative(ROOT, file).split(path.sep).join("/"));
    mp.FS.mkdirTree(path.posix.dirname(target));
    mp.FS.writeFile(target, fs.readFileSync(file));
  }
}

// Each target is a folder (all its test_*.py, recursively) or one test file.
function collect(targets) {
  const modules = [];
  for (const target of targets) {
    const full = path.resolve(ROOT, target);
    const files = fs.statSync(full).isDirectory() ? pyFiles(full) : [full];
    for (const file of files.sort()) {
      const name = path.basename(file, ".py");
      if (!name.startsWith("test_")) continue;
      const dir = path.posix.join(FS_ROOT, path.relative(ROOT, path.dirname(file)).split(path.sep).join("/"));
      modules.push([dir, name]);
    }
  }
  return modules;
}

const DRIVER = `
import sys
import asyncio

async def _xl_run(modules):
    passed = failed = 0
    for folder, name in modules:
        if folder not in sys.path:
            sys.path.insert(0, folder)
        try:
            module = __import__(name)
        except BaseException as e:
            failed += 1
            print("FAILED " + name + " (import)")
            sys.print_exception(e)
            continue
        for attr in sorted(dir(module)):
            fn = getattr(module, attr)
            if not attr.startswith("test_") or not callable(fn):
                continue
            try:
                result = fn()
                if result is not None and hasattr(result, "send"):
                    await result
                passed += 1
            except BaseException as e:
                failed += 1
                print("FAILED " + name + "::" + attr)
                sys.print_exception(e)
    return passed, failed

_xl_result = await asyncio.create_task(_xl_run(_xl_modules))
`;

async function main() {
  const targets = process.argv.slice(2);
  const modules = collect(targets.length ? targets : ["tests/pure"]);
  const { loadMicroPython } = await import(MPY);
  const mp = await loadMicroPython({ stdout: (line) => process.stdout.write(line + "\n"),
                                     stderr: (line) => process.stderr.write(line + "\n") });
  copyIn(mp, pyFiles(path.join(ROOT, "lite_app")));
  for (const target of targets.length ? targets : ["tests/pure"]) {
    const full = path.resolve(ROOT, target);
    copyIn(mp, fs.statSync(full).isDirectory() ? pyFiles(full) : [full]);
  }
  mp.runPython(`import os, sys\nos.chdir("${FS_ROOT}")\nsys.path.insert(0, "${FS_ROOT}")`);
  mp.globals.set("_xl_modules", modules);
  await mp.runPythonAsync(DRIVER);
  const [passed, failed] = mp.globals.get("_xl_result");
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

const timer = setTimeout(() => { console.log(`timed out after ${TIMEOUT_S} s`); process.exit(2); }, TIMEOUT_S * 1000);
main().then((code) => { clearTimeout(timer); process.exit(code); },
            (err) => { clearTimeout(timer); console.error(err); console.log("0 passed, 1 failed"); process.exit(1); });
