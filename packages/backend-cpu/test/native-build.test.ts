import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadKoffi, switchedOff } from '@bcnmf/native';
import { configureCpuAccelerator, cpuAdapter, loadNativeKernels } from '../src/index.js';
import { installLayout, notBuilt, rebuildCommand } from '../src/native-build.js';

// When the native kernels are not built, the reason names the one command that builds
// them, for the way the package was installed (read from where its files are). The
// commands were run by hand in a temp folder with pnpm 12.4.2 and npm 11 (see the README).

const koffi = await loadKoffi();
const skip = switchedOff('BCNMF_NATIVE')
  ? 'BCNMF_NATIVE=off: the kernels are switched off before any build is looked at'
  : 'reason' in koffi ? `koffi does not load here: ${koffi.reason}` : false;
if (skip) console.log(`# skipping the build-folder tests: ${skip}`);

const pnpmPackage = '/home/me/project/node_modules/.pnpm/@bcnmf+backend-cpu@0.1.0_@bcnmf+core@0.1.0/node_modules/@bcnmf/backend-cpu';
const npmPackage = '/home/me/project/node_modules/@bcnmf/backend-cpu';

describe('installLayout and rebuildCommand', () => {
  it('reads pnpm, npm and this repository from the package path (POSIX and Windows)', () => {
    assert.equal(installLayout(`${pnpmPackage}/native/build`), 'pnpm');
    assert.equal(installLayout('C:\\p\\node_modules\\.pnpm\\x\\node_modules\\@bcnmf\\backend-cpu\\native\\build'), 'pnpm');
    assert.equal(installLayout(`${npmPackage}/native/build`), 'npm');
    assert.equal(installLayout('C:\\p\\node_modules\\@bcnmf\\backend-cpu\\dist'), 'npm');
    assert.equal(installLayout('/work/bcnmf/packages/backend-cpu/native/build'), 'workspace');
    assert.equal(rebuildCommand('pnpm'), 'pnpm rebuild @bcnmf/backend-cpu');
    assert.equal(rebuildCommand('npm'), 'npm rebuild @bcnmf/backend-cpu');
    assert.equal(rebuildCommand('workspace'), 'pnpm --filter @bcnmf/backend-cpu build:native');
  });
});

describe('notBuilt: the reason and the one command', () => {
  it('install script never ran: pnpm approves it, npm reruns it, this repository runs build:native', () => {
    assert.deepEqual(notBuilt('pnpm', null), {
      reason: "not built: pnpm did not run @bcnmf/backend-cpu's install script (it runs a dependency's build script only once approved); " +
        'to build them, run `pnpm approve-builds @bcnmf/backend-cpu`',
      fix: 'run `pnpm approve-builds @bcnmf/backend-cpu`',
    });
    assert.deepEqual(notBuilt('npm', null), {
      reason: "not built: @bcnmf/backend-cpu's install script did not run (installed with --ignore-scripts?); to build them, run `npm rebuild @bcnmf/backend-cpu`",
      fix: 'run `npm rebuild @bcnmf/backend-cpu`',
    });
    assert.equal(notBuilt('workspace', null).fix, 'run `pnpm --filter @bcnmf/backend-cpu build:native`');
  });

  it('no C compiler: install one, then rebuild with the command of the layout', () => {
    const status = { built: false, reason: 'no C compiler could build native/*.c (cc (generic): spawnSync cc ENOENT)' };
    for (const [layout, rebuild] of [['pnpm', 'pnpm rebuild @bcnmf/backend-cpu'], ['npm', 'npm rebuild @bcnmf/backend-cpu']] as const) {
      const { reason, fix } = notBuilt(layout, status);
      assert.equal(fix, `install a C compiler (gcc or clang: \`apt-get install gcc\`, \`xcode-select --install\` on macOS), then run \`${rebuild}\``);
      assert.equal(reason, `${status.reason}; to build them, ${fix}`);
    }
  });

  it('switched off at install time: rebuild', () => {
    const { reason, fix } = notBuilt('npm', { built: false, reason: 'not built: BCNMF_NATIVE=off at install time' });
    assert.equal(reason, 'not built: BCNMF_NATIVE=off at install time; to build them, run `npm rebuild @bcnmf/backend-cpu`');
    assert.equal(fix, 'run `npm rebuild @bcnmf/backend-cpu`');
  });
});

describe('a build folder without kernels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcnmf-native-build-'));
  after(async () => {
    await configureCpuAccelerator({});
    rmSync(dir, { recursive: true, force: true });
  });

  it('loadNativeKernels says why and what builds them, from status.json or its absence', { skip }, async () => {
    const pnpmBuild = join(dir, 'node_modules', '.pnpm', 'x', 'node_modules', '@bcnmf', 'backend-cpu', 'native', 'build');
    mkdirSync(pnpmBuild, { recursive: true });
    assert.deepEqual(await loadNativeKernels({ buildDir: pnpmBuild }), notBuilt('pnpm', null));

    const npmBuild = join(dir, 'node_modules', '@bcnmf', 'backend-cpu', 'native', 'build');
    mkdirSync(npmBuild, { recursive: true });
    const noCompiler = { built: false, reason: 'no C compiler could build native/*.c (cc (generic): spawnSync cc ENOENT)' };
    writeFileSync(join(npmBuild, 'status.json'), JSON.stringify(noCompiler));
    assert.deepEqual(await loadNativeKernels({ buildDir: npmBuild }), notBuilt('npm', noCompiler));

    writeFileSync(join(npmBuild, 'status.json'), '{ half written');
    const unreadable = await loadNativeKernels({ buildDir: npmBuild });
    assert.ok('reason' in unreadable);
    assert.match(unreadable.reason, /^native build status unreadable \(.*status\.json\): .*; to build them, run `npm rebuild @bcnmf\/backend-cpu`$/);

    writeFileSync(join(npmBuild, 'status.json'), JSON.stringify({ built: true, libraries: { generic: 'libbcnmf-cpu-generic.so' } }));
    const missing = await loadNativeKernels({ buildDir: npmBuild });
    assert.ok('reason' in missing);
    assert.match(missing.reason, /^native kernels could not be loaded \(.*libbcnmf-cpu-generic\.so: .*\); to rebuild them, run `npm rebuild @bcnmf\/backend-cpu`$/);
    assert.equal(missing.fix, 'run `npm rebuild @bcnmf/backend-cpu`');
  });

  it("the cpu backend's probe shows the reason with the fix and gives the advice a first fit says", { skip }, async () => {
    const buildDir = join(dir, 'node_modules', '.pnpm', 'y', 'node_modules', '@bcnmf', 'backend-cpu', 'native', 'build');
    mkdirSync(buildDir, { recursive: true });
    const info = await configureCpuAccelerator({ native: { buildDir } });
    assert.equal(info.kernels, 'javascript');
    assert.equal(info.kernelFix, 'run `pnpm approve-builds @bcnmf/backend-cpu`');
    const probe = await cpuAdapter.probe();
    assert.equal(probe.accelerated, false);
    assert.equal(probe.details!['native kernels'], `not used: ${notBuilt('pnpm', null).reason}`);
    assert.equal(
      probe.advice,
      "the cpu backend's native kernels are not used, so fits run on wasm or on tfjs's kernels, several times slower: " + notBuilt('pnpm', null).reason,
    );
  });

  it('gives no advice when the kernels were switched off on purpose', async () => {
    const info = await configureCpuAccelerator({ native: { disable: true } });
    assert.equal(info.kernelFix, null);
    assert.equal((await cpuAdapter.probe()).advice, undefined);
  });
});
