/**
 * The protocol's two commands: `/mute <uname> <minutes>` and `/unmute <uname>`. Any other text,
 * even one starting with "/", is an ordinary message (as in the original chat-server).
 */
export type SlashCommand =
  | { kind: 'mute'; uname: string; minutes: number }
  | { kind: 'unmute'; uname: string }
  | { kind: 'invalid'; reply: string };

export const MUTE_USAGE = 'Usage: /mute <uname> <minutes>';
export const UNMUTE_USAGE = 'Usage: /unmute <uname>';

/** null: not a command. Never throws, whatever the text. */
export function parseSlashCommand(text: string): SlashCommand | null {
  const match = /^\/(mute|unmute)(?:\s+(.*))?$/is.exec(text.trim());
  if (!match) return null;
  const name = match[1].toLowerCase();
  const args = (match[2] ?? '').trim().split(/\s+/).filter(Boolean);
  if (name === 'unmute') return args.length === 1 ? { kind: 'unmute', uname: args[0] } : { kind: 'invalid', reply: UNMUTE_USAGE };
  if (args.length !== 2) return { kind: 'invalid', reply: MUTE_USAGE };
  const [uname, minutes] = args;
  if (!/^\d{1,7}$/.test(minutes)) return { kind: 'invalid', reply: `Minutes must be a whole number, not "${minutes.slice(0, 20)}". ${MUTE_USAGE}` };
  return { kind: 'mute', uname, minutes: Number(minutes) };
}
