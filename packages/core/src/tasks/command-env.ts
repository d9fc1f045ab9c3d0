import { z } from "zod";

/**
 * Variables that decide which program runs, which code a program loads, or which file a shell
 * or interpreter executes first. A payload can never set them and a worker never passes its own
 * to a command, whatever COMMAND_ENV_ALLOWLIST says: with any of them an allowlisted `echo`
 * could run something else (issue 9, item 1). Commands get the worker's COMMAND_PATH as PATH.
 * Compared case-insensitively (some tools, npm for one, read their variables in any case).
 */
const FORBIDDEN_NAMES = new Set([
  // Program lookup and shell start-up.
  "PATH",
  "CDPATH",
  "IFS",
  "ENV",
  "BASH_ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "PROMPT_COMMAND",
  "SHELL",
  "HOME",
  "ZDOTDIR",
  "XDG_CONFIG_HOME",
  // The C library: charset converters and locales are code or data it loads; resolver files.
  "GCONV_PATH",
  "LOCPATH",
  "NLSPATH",
  "HOSTALIASES",
  "RESOLV_HOST_CONF",
  // Programs that other programs start.
  "EDITOR",
  "VISUAL",
  "PAGER",
  "MANPAGER",
  "BROWSER",
  "LESSOPEN",
  "LESSCLOSE",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  // Interpreters' start-up code and module search paths.
  "CLASSPATH",
  "TCLLIBPATH",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  "R_PROFILE",
  "R_PROFILE_USER",
  "R_ENVIRON",
  "R_ENVIRON_USER",
  "GOFLAGS",
  "GOTOOLCHAIN",
  "ELECTRON_RUN_AS_NODE",
]);

const FORBIDDEN_PREFIXES = [
  "LD_", // dynamic loader: LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT…
  "DYLD_", // macOS dynamic loader
  "MALLOC_",
  "GLIBC_", // GLIBC_TUNABLES
  "NODE_", // NODE_OPTIONS (--require), NODE_PATH
  "NPM_CONFIG_",
  "PYTHON", // PYTHONPATH, PYTHONSTARTUP, PYTHONHOME…
  "PERL", // PERL5LIB, PERL5OPT, PERLLIB, PERL5DB
  "RUBY", // RUBYOPT, RUBYLIB
  "GEM_",
  "BUNDLE_",
  "LUA_", // LUA_INIT runs code, LUA_PATH/LUA_CPATH load it
  "GIT_", // GIT_SSH_COMMAND, GIT_EXEC_PATH, GIT_CONFIG_*
  "JAVA_", // JAVA_TOOL_OPTIONS
  "_JAVA_",
  "JDK_JAVA_",
  "OPENSSL_", // OPENSSL_CONF loads engines
  "DOTNET_", // DOTNET_STARTUP_HOOKS
  "CORECLR_",
  "COMPLUS_",
  "BASH_FUNC_", // exported shell functions
];

/** True for a variable that a command may never receive from a payload or the worker. */
export function isForbiddenCommandEnv(name: string): boolean {
  const upper = name.toUpperCase();
  return FORBIDDEN_NAMES.has(upper) || FORBIDDEN_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** One entry of COMMAND_ENV_ALLOWLIST: a variable name that is not forbidden. */
export const CommandEnvNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "letters, digits or _, not starting with a digit, at most 64")
  .refine((name) => !isForbiddenCommandEnv(name), {
    error: (issue) =>
      `${String(issue.input)} can never be passed to a command: it changes which program runs or what it loads (commands always run with PATH=COMMAND_PATH)`,
  });
