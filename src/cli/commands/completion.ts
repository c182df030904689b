import type { Command } from 'commander';
import { usageError } from '../cli-error.js';

/** Each command path (`runs ls`) with the words that may follow it: subcommands and options. */
function commandWords(command: Command, path: string[] = []): Map<string, string[]> {
  const words = new Map<string, string[]>();
  const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
  words.set(path.join(' '), [...command.commands.map((c) => c.name()), ...options, ...(path.length === 0 ? [] : ['--help'])]);
  for (const sub of command.commands) for (const [key, value] of commandWords(sub, [...path, sub.name()])) words.set(key, value);
  return words;
}

/** A bash completion script: completes the words after the longest known command path typed so far. */
function bashScript(words: Map<string, string[]>): string {
  const cases = [...words].map(([path, list]) => `    "${path}") words="${list.join(' ')}" ;;`).join('\n');
  return `# weft bash completion: eval "$(weft completion bash)"
_weft() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path="" try="" words=""
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    try="\${path:+$path }$w"
    case "$try" in
${[...words.keys()].filter((p) => p !== '').map((p) => `      "${p}") path="$try" ;;`).join('\n')}
    esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _weft weft
`;
}

/** A zsh script: zsh's bash compatibility runs the same function. */
function zshScript(words: Map<string, string[]>): string {
  return `# weft zsh completion: eval "$(weft completion zsh)"\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(words).replace(/^# .*\n/, '')}`;
}

/** Registers `weft completion bash|zsh`, generated from the program's own commands and options. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(weft completion bash)" (or zsh)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      const words = commandWords(program);
      if (shell === 'bash') process.stdout.write(bashScript(words));
      else if (shell === 'zsh') process.stdout.write(zshScript(words));
      else throw usageError('the shell is bash or zsh');
    });
}
