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
//! string lookup per token (most tokens of a text are in no feature name and stop there) and
//! one integer lookup per further token of each n-gram walk, instead of hashing and comparing
//! the string of every n-gram. The plain path ([`super::Featurizer::transform_one_reference`]:
//! build every term, look it up by name) is the reference twin, held equal by proptest.

use std::collections::HashMap;

use foldhash::fast::RandomState;

/// The id of no node: an unknown token, or a prefix that is not a feature.
pub(super) const NONE: u32 = u32::MAX;

/// Feature names as a trie over token ids (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct TermTrie {
    /// Token text -> its node (the node of the one-token prefix).
    tokens: HashMap<String, u32, RandomState>,
    /// `(node << 32) | next token id` -> the node of the prefix one token longer.
    children: HashMap<u64, u32, RandomState>,
    /// Feature id of each node, or [`NONE`] when that prefix is not itself a feature name.
    feature: Vec<u32>,
}

impl TermTrie {
    /// The trie of `names` (feature `i` is `names[i]`; a repeated name keeps its last id, as
    /// the name index does).
    pub(super) fn new(names: &[String]) -> Self {
        let mut trie = Self::default();
        for (id, name) in names.iter().enumerate() {
            let mut parts = name.split(' ');
            // `split` yields at least one part, the empty name included.
            let Some(first) = parts.next() else { continue };
            let mut node = trie.token_or_insert(first);
            for part in parts {
                let token = trie.token_or_insert(part);
                let fresh = trie.feature.len() as u32;
                node = *trie.children.entry(key(node, token)).or_insert(fresh);
                if node == fresh {
                    trie.feature.push(NONE);
                }
            }
            trie.feature[node as usize] = id as u32;
        }
        trie
    }

    fn token_or_insert(&mut self, token: &str) -> u32 {
        if let Some(&node) = self.tokens.get(token) {
            return node;
        }
        let node = self.feature.len() as u32;
        self.tokens.insert(token.to_string(), node);
        self.feature.push(NONE);
        node
    }

    /// The token id of `token`, or [`NONE`] if it is in no feature name.
    #[inline]
    pub(super) fn token(&self, token: &str) -> u32 {
        self.tokens.get(token).copied().unwrap_or(NONE)
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
                match self.children.get(&key(node, token)) {
                    Some(&child) => node = child,
                    None => break,
                }
            }
        }
    }
}

#[inline]
fn key(node: u32, token: u32) -> u64 {
    (u64::from(node) << 32) | u64::from(token)
}

#[cfg(test)]
mod tests {
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
        let names: Vec<String> = ["not good", "good", "very not good"]
            .iter()
            .map(|s| s.to_string())
            .collect();
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
        let names: Vec<String> = ["a  b", " a", "", "a"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let trie = TermTrie::new(&names);
        assert_eq!(features(&trie, &["a", "", "b"], 3), vec![0, 2, 3]);
        assert_eq!(features(&trie, &["", "a"], 2), vec![1, 2, 3]);
        assert_eq!(features(&trie, &["a", "b"], 3), vec![3]);
    }
}
