// Repairs "mojibake": UTF-8 bytes that were decoded as Windows-1252 (or Latin-1) somewhere along the way, so that
// "🚀" reads "ðŸš€", "✅" reads "âœ…" and "—" reads "â€”". Each character of such text stands for one byte, so
// mapping the characters back to bytes and decoding those as UTF-8 recovers the original.
//
// Only sequences that decode to valid UTF-8 are touched, and correct text is left alone:
// - 3- and 4-byte sequences ("âœ…", "ðŸš€") and 2-byte ones led by Â/Ã ("Ã©" → "é") are unmistakable and always
//   repaired;
// - other 2-byte pairs (a Latin letter followed by a symbol, e.g. "ß“" in German) can be real text, so they are
//   repaired only when the same text also has an unmistakable sequence, i.e. it is known to be mis-decoded.
// - Windows-1252 has five unassigned bytes (0x81 0x8D 0x8F 0x90 0x9D); some tools drop them, leaving an emoji one
//   byte short ("ðŸ“" for "📝"). The missing byte cannot be known, so such a sequence becomes U+FFFD "�": the
//   reader sees a character was lost rather than three junk characters. Only emoji-plane prefixes (F0 9F xx) and
//   "â€" (E2 80: typographic punctuation) are treated so, because those never occur in correct text.

// Windows-1252 characters of bytes 0x80–0x9F; the other bytes 0x80–0xFF map to the same code point (Latin-1).
const CP1252_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

// Any character that could be a mis-decoded byte; text without one is returned untouched at once.
const SUSPECT = /[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The byte a character stands for when text was decoded as Windows-1252/Latin-1, or undefined for others. */
function byteOf(char: string): number | undefined {
  const cp = char.codePointAt(0) ?? 0;
  if (cp >= 0x80 && cp <= 0xff) return cp;
  return CP1252_HIGH[cp];
}

function isContinuation(byte: number | undefined): byte is number {
  return byte !== undefined && byte >= 0x80 && byte <= 0xbf;
}

function decode(bytes: number[]): string | undefined {
  try {
    return decoder.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

type Fix = { start: number; end: number; text: string; certain: boolean };

/** The repairs one pass finds in a list of code points. */
function findFixes(chars: string[]): Fix[] {
  const fixes: Fix[] = [];
  let i = 0;
  while (i < chars.length) {
    const lead = byteOf(chars[i] ?? "");
    if (lead === undefined || lead < 0xc2 || lead > 0xf4) {
      i++;
      continue;
    }
    const length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    const bytes = [lead];
    let j = i + 1;
    while (bytes.length < length && j < chars.length) {
      const next = byteOf(chars[j] ?? "");
      if (!isContinuation(next)) break;
      bytes.push(next);
      j++;
    }
    if (bytes.length === length) {
      const text = decode(bytes);
      // A decoded C1 control character is not an improvement over what was there.
      if (text !== undefined && !/^[\u0080-\u009f]$/.test(text)) {
        fixes.push({ start: i, end: j, text, certain: length >= 3 || lead === 0xc2 || lead === 0xc3 });
        i = j;
        continue;
      }
    } else if (isTruncated(bytes, length)) {
      fixes.push({ start: i, end: j, text: "\uFFFD", certain: true });
      i = j;
      continue;
    }
    i++;
  }
  return fixes;
}

/** An emoji (F0 9F ..) or typographic punctuation (E2 80 ..) sequence missing exactly its last byte. */
function isTruncated(bytes: number[], length: number): boolean {
  if (bytes.length !== length - 1) return false;
  const emoji = length === 4 && bytes[0] === 0xf0 && bytes[1] === 0x9f;
  const punctuation = length === 3 && bytes[0] === 0xe2 && bytes[1] === 0x80;
  // The prefix must still be valid UTF-8 once any continuation byte completes it.
  return (emoji || punctuation) && decode([...bytes, 0x80]) !== undefined;
}

function repairOnce(text: string): { text: string; repairs: number } {
  if (!SUSPECT.test(text)) return { text, repairs: 0 };
  const chars = Array.from(text);
  const fixes = findFixes(chars);
  if (!fixes.some((fix) => fix.certain)) return { text, repairs: 0 };
  let out = "";
  let at = 0;
  for (const fix of fixes) {
    out += chars.slice(at, fix.start).join("") + fix.text;
    at = fix.end;
  }
  out += chars.slice(at).join("");
  return { text: out, repairs: fixes.length };
}

/** The text with mis-decoded UTF-8 repaired, and how many sequences were repaired (0: returned unchanged). */
export function repairMojibakeWithCount(text: string): { text: string; repairs: number } {
  let current = text;
  let repairs = 0;
  // Text mis-decoded twice ("Ã°Å¸Å¡â‚¬") needs a second pass; three is plenty and bounds the work.
  for (let pass = 0; pass < 3; pass++) {
    const result = repairOnce(current);
    if (result.repairs === 0) break;
    current = result.text;
    repairs += result.repairs;
  }
  return { text: current, repairs };
}

/** The text with mis-decoded UTF-8 repaired; correct text comes back unchanged. */
export function repairMojibake(text: string): string {
  return repairMojibakeWithCount(text).text;
}
