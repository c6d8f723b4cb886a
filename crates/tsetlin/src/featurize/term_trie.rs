//! The vocabulary as a trie over token ids, for looking up every n-gram of a text without
//! building its string.
//!
//! A term is its tokens joined by single spaces, and no token contains a space (a UAX #29
//! word-like segment never does, and neither lowercasing nor stemming adds one). So splitting
//! a feature name at every space gives back exactly the tokens whose n-gram it is, and a text's
//! n-gram of tokens `t1 .. tn` is the feature whose name splits into `t1 .. tn`.
//!
//! Each token of any feature name gets a node (its *token id*); each longer prefix of a name
//! gets a node reached from the shorter one by the next token's id. A text then costs one
//! lookup per token (most tokens of a text are in no feature name and stop there; a token of
//! up to eight bytes is looked up as an integer, its bytes packed) and one integer lookup per
//! further token of each n-gram walk, instead of hashing and comparing the string of every
//! n-gram. The plain path ([`super::Featurizer::transform_one_reference`]:
//! build every term, look it up by name) is the reference twin, held equal by proptest.

use std::collections::HashMap;

use foldhash::fast::RandomState;

/// The id of no node: an unknown token, or a prefix that is not a feature.
pub(super) const NONE: u32 = u32::MAX;

/// Feature names as a trie over token ids (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct TermTrie {
    /// Token of one to eight bytes, packed into an integer ([`short_key`]) -> its node (the
    /// node of the one-token prefix). Most tokens are that short, and an integer key hashes
    /// in one multiply and compares in one instruction, where a string key called `memcmp`.
    short_tokens: IntTable,
    /// Any other token's text -> its node.
    tokens: HashMap<String, u32, RandomState>,
    /// `(node << 32) | next token id` -> the node of the prefix one token longer.
    children: IntTable,
    /// Feature id of each node, or [`NONE`] when that prefix is not itself a feature name.
    feature: Vec<u32>,
}

impl TermTrie {
    /// The trie of `names` (feature `i` is `names[i]`; a repeated name keeps its last id, as
    /// the name index does).
    pub(super) fn new(names: &[String]) -> Self {
        let mut trie = Self::default();
        let short: usize = names
            .iter()
            .flat_map(|name| name.split(' '))
            .filter(|t| short_key(t).is_some())
            .count();
        let longer: usize = names.iter().map(|name| name.matches(' ').count()).sum();
        trie.short_tokens = IntTable::with_capacity(short);
        trie.children = IntTable::with_capacity(longer);
        for (id, name) in names.iter().enumerate() {
            let mut parts = name.split(' ');
            // `split` yields at least one part, the empty name included.
            let Some(first) = parts.next() else { continue };
            let mut node = trie.token_or_insert(first);
            for part in parts {
                let token = trie.token_or_insert(part);
                let fresh = trie.feature.len() as u32;
                let prefix = key(node, token);
                node = trie.children.get(prefix);
                if node == NONE {
                    node = fresh;
                    trie.children.insert(prefix, node);
                    trie.feature.push(NONE);
                }
            }
            trie.feature[node as usize] = id as u32;
        }
        trie
    }

    fn token_or_insert(&mut self, token: &str) -> u32 {
        let node = self.token(token);
        if node != NONE {
            return node;
        }
        let node = self.feature.len() as u32;
        match short_key(token) {
            Some(key) => self.short_tokens.insert(key, node),
            None => {
                self.tokens.insert(token.to_string(), node);
            }
        }
        self.feature.push(NONE);
        node
    }

    /// The token id of `token`, or [`NONE`] if it is in no feature name.
    #[inline]
    pub(super) fn token(&self, token: &str) -> u32 {
        match short_key(token) {
            Some(key) => self.short_tokens.get(key),
            None => self.tokens.get(token).copied().unwrap_or(NONE),
        }
    }

    /// Calls `f` with the feature id of every n-gram (`n <= max_n`) of a text whose token ids
    /// (from [`Self::token`]) are `tokens`, in no particular order, repeats included.
    #[inline]
    pub(super) fn each_feature(&self, tokens: &[u32], max_n: usize, mut f: impl FnMut(u32)) {
        for (first, &start) in tokens.iter().enumerate() {
            if start == NONE {
                continue;
            }
            let mut node = start;
            let mut next = tokens[first + 1..].iter().take(max_n.saturating_sub(1));
            loop {
                let id = self.feature[node as usize];
                if id != NONE {
                    f(id);
                }
                let Some(&token) = next.next() else { break };
                if token == NONE {
                    break;
                }
                node = self.children.get(key(node, token));
                if node == NONE {
                    break;
                }
            }
        }
    }
}

/// Nodes by an integer key (a [`short_key`] or a [`key`]), in an open-addressing table with
/// linear probing: one multiply to hash, and most lookups read one slot (the table is at most
/// a quarter full). Measured against `HashMap<u64, u32>` with foldhash on OHSUMED abstracts:
/// the same trie walked about 5 % faster.
///
/// Invariant relied on: no key is [`EMPTY`]. A short key's bytes are UTF-8, which never has
/// the byte `0xFF`, and a prefix key's token id is below [`NONE`].
#[derive(Debug, Clone, PartialEq, Default)]
struct IntTable {
    /// The key in each slot, [`EMPTY`] for an empty one.
    keys: Vec<u64>,
    /// The node of each slot's key.
    nodes: Vec<u32>,
    /// `64 - log2(slots)`.
    shift: u32,
}

/// The key of an empty slot of an [`IntTable`].
const EMPTY: u64 = u64::MAX;

impl IntTable {
    /// An empty table for up to `n` keys, at most a quarter full. Sparse on purpose: a
    /// lookup that goes on to a second slot costs a mispredicted branch, and about half the
    /// tokens of a text are in no feature name, so their lookups run on to an empty slot.
    /// (`TermTrie::new` counts every token of every name, more than the distinct ones; with
    /// `n` slots instead of `4 * n`, OHSUMED abstracts featurized 8-10 % slower.)
    fn with_capacity(n: usize) -> Self {
        let slots = (4 * n).next_power_of_two().max(16);
        Self {
            keys: vec![EMPTY; slots],
            nodes: vec![NONE; slots],
            shift: 64 - slots.trailing_zeros(),
        }
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        // Fibonacci hashing: the top bits of the product depend on every bit of the key.
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The node of `key`, or [`NONE`].
    #[inline]
    fn get(&self, key: u64) -> u32 {
        let mask = self.keys.len().wrapping_sub(1);
        let mut i = self.slot(key);
        loop {
            match self.keys.get(i) {
                Some(&k) if k == key => return self.nodes[i],
                Some(&EMPTY) | None => return NONE,
                Some(_) => i = (i + 1) & mask,
            }
        }
    }

    /// Inserts `key` (not yet in the table) with `node`.
    ///
    /// Invariant relied on: fewer keys than the capacity given to [`Self::with_capacity`], so
    /// the table always has an empty slot.
    fn insert(&mut self, key: u64, node: u32) {
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        while self.keys[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.keys[i] = key;
        self.nodes[i] = node;
    }
}

/// The bytes of a token of one to eight bytes whose last byte is not NUL, little-endian in an
/// integer with zeros above them; `None` for any other token.
///
/// Invariant relied on: two such tokens have the same key only if they are equal. A key fixes
/// the bytes up to its highest non-zero one, and that one is the token's last byte, so the
/// key also fixes the length. (A last byte of NUL would let `"a\0"` and `"a"` share a key.)
#[inline]
fn short_key(token: &str) -> Option<u64> {
    let b = token.as_bytes();
    let len = b.len();
    if !(1..=8).contains(&len) || b[len - 1] == 0 {
        return None;
    }
    // Two overlapping loads instead of a copy of variable length: the bytes they share are
    // the same bytes, so OR-ing them is exact.
    let key = if len >= 4 {
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[len - 4], b[len - 3], b[len - 2], b[len - 1]]);
        u64::from(lo) | (u64::from(hi) << (8 * (len - 4)))
    } else {
        u64::from(b[0])
            | (u64::from(b[len / 2]) << (8 * (len / 2)))
            | (u64::from(b[len - 1]) << (8 * (len - 1)))
    };
    Some(key)
}

#[inline]
fn key(node: u32, token: u32) -> u64 {
    (u64::from(node) << 32) | u64::from(token)
}

#[cfg(test)]
mod tests {
    use super::super::tests::strings;
    use super::*;

    fn features(trie: &TermTrie, text: &[&str], max_n: usize) -> Vec<u32> {
        let ids: Vec<u32> = text.iter().map(|t| trie.token(t)).collect();
        let mut out = Vec::new();
        trie.each_feature(&ids, max_n, |id| out.push(id));
        out.sort_unstable();
        out
    }

    #[test]
    fn finds_ngrams_whose_words_are_not_features_themselves() {
        let names = strings(&["not good", "good", "very not good"]);
        let trie = TermTrie::new(&names);
        assert_eq!(features(&trie, &["not", "good"], 1), vec![1]);
        assert_eq!(features(&trie, &["not", "good"], 2), vec![0, 1]);
        assert_eq!(features(&trie, &["very", "not", "good"], 3), vec![0, 1, 2]);
        assert_eq!(
            features(&trie, &["very", "not", "bad"], 3),
            Vec::<u32>::new()
        );
        assert_eq!(features(&trie, &["not", "x", "good"], 3), vec![1]);
    }

    #[test]
    fn odd_names_match_only_what_joining_by_spaces_would() {
        // Splitting at every space inverts joining by single spaces, empty tokens included.
        let names = strings(&["a  b", " a", "", "a"]);
        let trie = TermTrie::new(&names);
        assert_eq!(features(&trie, &["a", "", "b"], 3), vec![0, 2, 3]);
        assert_eq!(features(&trie, &["", "a"], 2), vec![1, 2, 3]);
        assert_eq!(features(&trie, &["a", "b"], 3), vec![3]);
    }

    #[test]
    fn short_and_long_tokens_with_nul_bytes_stay_apart() {
        // "a\0" would share "a"'s packed key; a last byte of NUL sends it to the string map.
        let names = strings(&["a", "a\0", "abcdefgh", "abcdefghi", "\0a", "a b"]);
        let trie = TermTrie::new(&names);
        for (id, name) in names.iter().enumerate().take(5) {
            assert_eq!(
                features(&trie, &[name.as_str()], 1),
                vec![id as u32],
                "{name:?}"
            );
        }
        assert_eq!(features(&trie, &["a", "b"], 2), vec![0, 5]);
        assert_eq!(features(&trie, &["abcdefg"], 1), Vec::<u32>::new());
        assert_eq!(short_key("a\0"), None);
        assert_eq!(short_key(""), None);
        assert_eq!(short_key("abcdefghi"), None);
    }

    proptest::proptest! {
        /// Two tokens share a packed key only if they are equal.
        #[test]
        fn short_keys_are_injective(a in "[a\u{0}\u{e9}\u{1F600}b ]{0,6}", b in "[a\u{0}\u{e9}\u{1F600}b ]{0,6}") {
            if let (Some(x), Some(y)) = (short_key(&a), short_key(&b)) {
                proptest::prop_assert_eq!(x == y, a == b);
                proptest::prop_assert_ne!(x, EMPTY);
            }
        }
    }
}
