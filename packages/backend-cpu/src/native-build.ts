// Why the native kernels are not built, and the one command that builds them. The
// command depends on how this copy of the package was installed, read from where its
// files are: pnpm keeps packages under node_modules/.pnpm/ and runs a dependency's
// install script only once it is approved; npm runs it, unless told not to; in this
// repository the package's own script builds them.

/** How this copy of @bcnmf/backend-cpu was installed. */
export type InstallLayout = 'pnpm' | 'npm' | 'workspace';

/** What scripts/build-native.mjs wrote to native/build/status.json. */
export interface NativeBuildStatus {
  built?: boolean;
  reason?: string;
  compiler?: string;
  libraries?: Record<string, string>;
  /** Optional builds the compiler could not make, with why (an old compiler and AVX-512). */
  skipped?: string[];
}

/** Why the kernels cannot be used, and the command that fixes it where one does. */
export interface NativeUnavailable {
  /** One line: what is wrong, then the fix (`...; to build them, run \`COMMAND\``). */
  reason: string;
  /** What builds the kernels (`run \`COMMAND\``, or a step and then that); absent when nothing does (switched off, not Node). */
  fix?: string;
}

/** The layout of the package folder `packageDir` (or any folder inside it). */
export function installLayout(packageDir: string): InstallLayout {
  const path = packageDir.split('\\').join('/');
  if (path.includes('/node_modules/.pnpm/')) return 'pnpm';
  if (path.includes('/node_modules/')) return 'npm';
  return 'workspace';
}

/** The command that runs the package's install script (scripts/build-native.mjs) again. */
export function rebuildCommand(layout: InstallLayout): string {
  if (layout === 'pnpm') return 'pnpm rebuild @bcnmf/backend-cpu';
  if (layout === 'npm') return 'npm rebuild @bcnmf/backend-cpu';
  return 'pnpm --filter @bcnmf/backend-cpu build:native';
}

function withFix(why: string, fix: string): NativeUnavailable {
  return { reason: `${why}; to build them, ${fix}`, fix };
}

/**
 * Why the kernels are not built, from the build's status (null: the install script never
 * ran), with the command that builds them.
 */
export function notBuilt(layout: InstallLayout, status: NativeBuildStatus | null): NativeUnavailable {
  const rebuild = rebuildCommand(layout);
  if (status === null) {
    if (layout === 'pnpm') {
      return withFix(
        "not built: pnpm did not run @bcnmf/backend-cpu's install script (it runs a dependency's build script only once approved)",
        'run `pnpm approve-builds @bcnmf/backend-cpu`',
      );
    }
    if (layout === 'npm') {
      return withFix("not built: @bcnmf/backend-cpu's install script did not run (installed with --ignore-scripts?)", `run \`${rebuild}\``);
    }
    return withFix('not built', `run \`${rebuild}\``);
  }
  const why = status.reason ?? 'not built';
  if (/no C compiler/.test(why)) {
    return withFix(why, `install a C compiler (gcc or clang: \`apt-get install gcc\`, \`xcode-select --install\` on macOS), then run \`${rebuild}\``);
  }
  return withFix(why, `run \`${rebuild}\``);
}
