//! A seeded random source and the byte mutations applied to seed inputs.

/// SplitMix64: tiny, fast and fully determined by its seed, so a run is reproducible from `--seed`.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, all: &'a [T]) -> &'a T {
        &all[self.below(all.len())]
    }
}

/// Numbers at the edges of the integer types and of the formats the readers parse.
const BOUNDARY: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "255",
    "256",
    "65535",
    "4294967295",
    "4294967296",
    "-2147483649",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0.000000000000000000001",
    "99999999999999999999999999",
    "1900",
    "9999",
    "-262144",
    "262143",
    "000000",
    "991231",
    "240230",
    "00",
    "29/02/2023",
    "31/12/9999",
    "+84",
];

/// Control characters, invisible and direction-changing code points, combining marks, multi-byte letters.
const UNICODE: &[&str] = &[
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\r\n",
    "\r",
    "\t",
    "\u{85}",
    "\u{a0}",
    "\u{ad}",
    "\u{200b}",
    "\u{200d}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{feff}",
    "\u{fffd}",
    "\u{301}",
    "\u{323}",
    "a\u{301}\u{301}\u{301}\u{301}",
    "đ",
    "Đ",
    "ệ",
    "\u{1f600}",
    "\u{10ffff}",
    "𝐀",
];

/// Bytes that are structure in JSON, TOML, CSV, JWT or the code formats.
const SYNTAX: &[u8] = b"\"\\,;\n{}[]=:.-_/|#'@+ 0123456789eE";

/// Applies one to four random mutations to `input`; `seeds` are the other seeds, for splicing.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        mutate_once(rng, input, seeds);
    }
}

fn mutate_once(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = input.len();
    match rng.below(12) {
        // Flip one bit.
        0 if len > 0 => {
            let at = rng.below(len);
            input[at] ^= 1 << rng.below(8);
        }
        // Overwrite a byte with a random or a syntax byte.
        1 if len > 0 => {
            let at = rng.below(len);
            input[at] = if rng.one_in(2) { rng.next_u64() as u8 } else { *rng.pick(SYNTAX) };
        }
        // Insert random bytes.
        2 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            input.splice(at..at, bytes);
        }
        // Delete a range.
        3 if len > 0 => {
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(64));
            input.drain(at..at + n);
        }
        // Duplicate a range in place.
        4 if len > 0 => {
            let at = rng.below(len);
            let n = 1 + rng.below((len - at).min(256));
            let copy = input[at..at + n].to_vec();
            input.splice(at..at, copy);
        }
        // Splice a piece of another seed in.
        5 if !seeds.is_empty() => {
            let other = rng.pick(seeds);
            if !other.is_empty() {
                let from = rng.below(other.len());
                let n = 1 + rng.below((other.len() - from).min(512));
                let at = rng.below(len + 1);
                let end = (at + rng.below(n + 1)).min(len);
                input.splice(at..end, other[from..from + n].iter().copied());
            }
        }
        // Replace a run of digits (or insert) with a boundary number.
        6 | 7 => {
            let value = rng.pick(BOUNDARY).as_bytes();
            let at = rng.below(len + 1);
            let end = input[at..].iter().position(|b| !b.is_ascii_digit()).map_or(len, |p| at + p);
            input.splice(at..end, value.iter().copied());
        }
        // A long string.
        8 => {
            let at = rng.below(len + 1);
            let unit: &[u8] = match rng.below(3) {
                0 => b"a",
                1 => "đ".as_bytes(),
                _ => b"9",
            };
            let times = [64, 1_000, 20_000][rng.below(3)];
            input.splice(at..at, unit.iter().copied().cycle().take(unit.len() * times));
        }
        // Control or invisible Unicode.
        9 | 10 => {
            let at = char_boundary(input, rng.below(len + 1));
            input.splice(at..at, rng.pick(UNICODE).bytes());
        }
        // Truncate.
        _ if len > 0 => input.truncate(rng.below(len)),
        _ => input.push(*rng.pick(SYNTAX)),
    }
}

/// Moves `at` back to a UTF-8 character boundary so inserted text stays valid UTF-8 when the input was.
fn char_boundary(input: &[u8], mut at: usize) -> usize {
    while at > 0 && at < input.len() && (input[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_mutants() {
        let seeds = vec![b"{\"a\": 1}".to_vec(), b"x = 2".to_vec()];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..200)
                .map(|_| {
                    let mut input = seeds[0].clone();
                    mutate(&mut rng, &mut input, &seeds);
                    input
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
