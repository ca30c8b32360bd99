//! Values read from templates and plans, each with the line it starts on: what the
//! CloudFormation, Terraform and plan readers share. Findings point at the line of the
//! offending property, so every value keeps its place in the file.
//!
//! [`parse_json`] is a small JSON parser that records lines (serde_json does not); YAML is
//! read into the same tree by [`super::yaml`].

use std::fmt;

/// Deeper nesting than this is refused: no real template needs it, and every walk of a
/// tree would otherwise risk the stack on hostile input.
pub const MAX_DEPTH: usize = 128;

/// A value and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Tree,
}

/// A key of a map, with its line (the line a property is written on).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Null,
    Bool(bool),
    /// A number as written, so that `1.10` stays `1.10`.
    Number(String),
    String(String),
    List(Vec<Node>),
    Map(Vec<(Key, Node)>),
    /// A YAML tag on a value (`!Ref X`), before CloudFormation resolves it.
    Tagged(String, Box<Node>),
    /// A reference to another resource of the same template or configuration, by the
    /// reader's own address for it, and the attribute taken of it (`Arn`, `id`, ...).
    Reference {
        target: String,
        attribute: Option<String>,
    },
    /// A value that cannot be known before deployment, and why.
    Unknown(String),
}

impl Node {
    pub fn new(line: u32, value: Tree) -> Node {
        Node { line, value }
    }

    /// A map's entry.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// A map's entry with its key.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Tree::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Tree::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Tree::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Tree::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Tree::Null)
    }

    /// The value as plain JSON, when it holds no reference, unknown or tag.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        Some(match &self.value {
            Tree::Null => J::Null,
            Tree::Bool(b) => J::Bool(*b),
            Tree::Number(n) => match serde_json::from_str::<J>(n) {
                Ok(v @ J::Number(_)) => v,
                _ => J::String(n.clone()),
            },
            Tree::String(s) => J::String(s.clone()),
            Tree::List(items) => J::Array(items.iter().map(Node::to_json).collect::<Option<_>>()?),
            Tree::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| Some((k.name.clone(), v.to_json()?)))
                    .collect::<Option<_>>()?,
            ),
            Tree::Tagged(..) | Tree::Reference { .. } | Tree::Unknown(_) => return None,
        })
    }

    /// The value as JSON, with each value that is not known written as a marked string
    /// (`policy_document::UNKNOWN_PREFIX` and the reason): what documents keep, so that
    /// only facts that read an unknown part are unknown.
    pub fn to_json_marked(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Tree::List(items) => J::Array(items.iter().map(Node::to_json_marked).collect()),
            Tree::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json_marked()))
                    .collect(),
            ),
            Tree::Tagged(..) | Tree::Reference { .. } | Tree::Unknown(_) => J::String(format!(
                "{}{}",
                crate::model::policy_document::UNKNOWN_PREFIX,
                self.first_unknown().unwrap_or_default()
            )),
            _ => self.to_json().unwrap_or(J::Null),
        }
    }

    /// The first unknown value inside, with its reason: what keeps [`Node::to_json`] from
    /// giving a value.
    pub fn first_unknown(&self) -> Option<String> {
        match &self.value {
            Tree::Unknown(reason) => Some(reason.clone()),
            Tree::Reference { target, attribute } => Some(match attribute {
                Some(a) => format!("`{target}.{a}` is known only after deployment"),
                None => format!("`{target}` is known only after deployment"),
            }),
            Tree::Tagged(tag, _) => Some(format!("`{tag}` cannot be resolved")),
            Tree::List(items) => items.iter().find_map(Node::first_unknown),
            Tree::Map(entries) => entries.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }
}

/// A map's entries as the parsers build them: a later duplicate key replaces the earlier
/// entry. Large maps are indexed: searching the entries for every key is quadratic, and
/// takes minutes on a template of a few MB with one large map.
#[derive(Debug, Default)]
pub struct Entries {
    pub entries: Vec<(Key, Node)>,
    index: Option<std::collections::HashMap<String, usize>>,
}

impl Entries {
    /// Maps up to this size are searched.
    const SEARCHED: usize = 16;

    pub fn insert(&mut self, key: Key, value: Node) {
        let found = match &self.index {
            Some(index) => index.get(&key.name).copied(),
            None => self.entries.iter().position(|(k, _)| k.name == key.name),
        };
        if let Some(i) = found {
            self.entries[i] = (key, value);
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.name.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > Self::SEARCHED {
            let index = self.entries.iter().enumerate();
            self.index = Some(index.map(|(i, (k, _))| (k.name.clone(), i)).collect());
        }
    }
}

/// A parse error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

/// Parses JSON into a tree that keeps lines. Duplicate keys keep the last value, as JSON
/// parsers usually do.
pub fn parse_json(text: &str) -> Result<Node, ParseError> {
    let mut p = JsonParser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
    };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
}

impl JsonParser<'_> {
    fn error(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos.min(self.bytes.len()),
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), ParseError> {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", b as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let line = self.line;
        let value = match self.bytes.get(self.pos) {
            None => return Err(self.error("unexpected end of input")),
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Entries::default();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        let key_line = self.line;
                        if self.bytes.get(self.pos) != Some(&b'"') {
                            return Err(self.error("expected a string key"));
                        }
                        let name = self.string()?;
                        self.skip_ws();
                        self.expect(b':')?;
                        self.skip_ws();
                        let v = self.value(depth + 1)?;
                        let key = Key {
                            name,
                            line: key_line,
                        };
                        entries.insert(key, v);
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `}`")),
                        }
                    }
                }
                Tree::Map(entries.entries)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        self.skip_ws();
                        items.push(self.value(depth + 1)?);
                        self.skip_ws();
                        match self.bytes.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `]`")),
                        }
                    }
                }
                Tree::List(items)
            }
            Some(b'"') => Tree::String(self.string()?),
            Some(b't') => self.word("true", Tree::Bool(true))?,
            Some(b'f') => self.word("false", Tree::Bool(false))?,
            Some(b'n') => self.word("null", Tree::Null)?,
            Some(b'-' | b'0'..=b'9') => Tree::Number(self.number()?),
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Node::new(line, value))
    }

    fn word(&mut self, word: &str, value: Tree) -> Result<Tree, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(self.error("expected digits"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("expected digits after `.`"));
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected digits in the exponent"));
            }
        }
        Ok(self.text[start..self.pos].to_string())
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let hex = self
            .text
            .get(self.pos..self.pos + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.error("invalid `\\u` escape"))?;
        self.pos += 4;
        Ok(hex)
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in `\\u` escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid `\\u` escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_keep_their_lines() {
        let n =
            parse_json("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": [true, null, \"x\\u00e9\"]\n  }\n}")
                .unwrap();
        assert_eq!(n.line, 1);
        let (k, v) = n.entry("b").unwrap();
        assert_eq!((k.line, v.line), (3, 3));
        let c = v.get("c").unwrap();
        assert_eq!(c.line, 4);
        assert_eq!(c.as_list().unwrap()[2].as_str(), Some("xé"));
        assert_eq!(
            n.to_json().unwrap(),
            serde_json::json!({"a": 1, "b": {"c": [true, null, "xé"]}})
        );
    }

    #[test]
    fn errors_are_located_and_deep_nesting_is_refused() {
        let e = parse_json("{\"a\": [1, 2,, 3]}").unwrap_err();
        assert_eq!(e.offset, 12);
        let deep = "[".repeat(MAX_DEPTH + 5);
        assert!(parse_json(&deep).unwrap_err().message.contains("nesting"));
        assert!(parse_json("\"\\ud800\"").is_err());
        assert!(parse_json("{} x").is_err());
    }

    #[test]
    fn large_maps_keep_the_last_duplicate_without_a_search_per_key() {
        // A search of the entries per key took minutes on a map of 600,000 keys.
        let keys = 200_000;
        let mut text = String::from("{");
        for i in 0..keys {
            text.push_str(&format!("\"k{i}\": {i}, "));
        }
        text.push_str("\"k3\": \"again\", \"k150000\": null}");
        let n = parse_json(&text).unwrap();
        let entries = n.as_map().unwrap();
        assert_eq!(entries.len(), keys);
        assert_eq!(entries[3].1.as_str(), Some("again"));
        assert!(entries[150_000].1.is_null());
        assert_eq!(entries[keys - 1].0.name, format!("k{}", keys - 1));
    }
}
