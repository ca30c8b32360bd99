//! YAML into a [`Node`] tree that keeps lines and tags (`!Ref`, `!GetAtt`, ...), built from
//! the parser's events without recursion.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::tree::{Entries, Key, Node, ParseError, Tree, MAX_DEPTH};

/// Aliases copy what they refer to; this many values in all is where a document stops
/// being a template and becomes an expansion bomb.
const MAX_NODES: usize = 2_000_000;

/// Parses the first document of a YAML stream.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    // Not `Parser::load`: it recurses once per nesting level, and block nesting
    // (`- - - - x`) would exhaust the stack before the builder refuses it. Events are
    // pulled one at a time, up to the end of the first document or the first problem.
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => {
                return Err(ParseError {
                    offset: byte_offset(text, e.marker()),
                    message: e.info().to_string(),
                })
            }
        };
        let end = matches!(event, Event::DocumentEnd | Event::StreamEnd);
        builder.on_event(event, mark);
        if end || builder.error.is_some() {
            break;
        }
    }
    if let Some((offset, message)) = builder.error {
        return Err(ParseError {
            offset: char_to_byte(text, offset),
            message,
        });
    }
    builder.done.ok_or(ParseError {
        offset: 0,
        message: "the file holds no YAML document".into(),
    })
}

/// yaml-rust2 counts in characters; files are indexed in bytes.
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

fn byte_offset(text: &str, m: &Marker) -> usize {
    char_to_byte(text, m.index())
}

enum Frame {
    List {
        line: u32,
        anchor: usize,
        tag: Option<String>,
        items: Vec<Node>,
    },
    Map {
        line: u32,
        anchor: usize,
        tag: Option<String>,
        entries: Entries,
        key: Option<Key>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    done: Option<Node>,
    /// The first problem, as (character offset, message); later events are ignored.
    error: Option<(usize, String)>,
    nodes: usize,
}

impl Builder {
    fn fail(&mut self, mark: &Marker, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some((mark.index(), message.into()));
        }
    }

    /// Hands a finished value to its parent.
    fn push(&mut self, node: Node, anchor: usize, mark: &Marker) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(
                mark,
                format!("more than {MAX_NODES} values (alias expansion?)"),
            );
            return;
        }
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.done.is_none() {
                    self.done = Some(node);
                }
            }
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => match node.value {
                    Tree::String(name) | Tree::Number(name) => {
                        *key = Some(Key {
                            name,
                            line: node.line,
                        })
                    }
                    Tree::Bool(b) => {
                        *key = Some(Key {
                            name: b.to_string(),
                            line: node.line,
                        })
                    }
                    Tree::Null => {
                        *key = Some(Key {
                            name: String::new(),
                            line: node.line,
                        })
                    }
                    _ => self.fail(mark, "map keys must be plain values"),
                },
                Some(k) => entries.insert(k, node),
            },
        }
    }

    fn wrap(tag: Option<String>, node: Node) -> Node {
        match tag {
            Some(t) => Node::new(node.line, Tree::Tagged(t, Box::new(node))),
            None => node,
        }
    }
}

/// `!Ref` gives `Ref`; YAML's own `!!str` and the like give nothing (they only type the
/// scalar, handled below).
fn tag_name(tag: &Option<yaml_rust2::parser::Tag>) -> (Option<String>, Option<String>) {
    match tag {
        Some(t) if t.handle == "!" => (Some(t.suffix.clone()), None),
        Some(t) if t.handle == "!!" => (None, Some(t.suffix.clone())),
        Some(t) => (None, Some(format!("{}{}", t.handle, t.suffix))),
        None => (None, None),
    }
}

fn scalar(value: String, style: TScalarStyle, core: Option<&str>) -> Tree {
    if let Some(core) = core {
        return match core {
            "str" => Tree::String(value),
            "bool" => Tree::Bool(value.eq_ignore_ascii_case("true")),
            "int" | "float" => Tree::Number(value),
            "null" => Tree::Null,
            _ => Tree::String(value),
        };
    }
    if style != TScalarStyle::Plain {
        return Tree::String(value);
    }
    match value.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Tree::Null,
        "true" | "True" | "TRUE" => Tree::Bool(true),
        "false" | "False" | "FALSE" => Tree::Bool(false),
        v if is_number(v) => Tree::Number(v.to_string()),
        _ => Tree::String(value),
    }
}

/// YAML 1.2 core-schema integers and floats (decimal only; `0x`/`0o` stay strings).
fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits.is_empty() {
        return false;
    }
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (digits, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => {
            (!i.is_empty() || !f.is_empty())
                && i.bytes().all(|b| b.is_ascii_digit())
                && f.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    mantissa_ok && exponent.is_none_or(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() || (self.done.is_some() && self.stack.is_empty()) {
            return;
        }
        let line = mark.line() as u32;
        let is_list = matches!(ev, Event::SequenceStart(..));
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let (custom, core) = tag_name(&tag);
                let node = Node::new(line, scalar(value, style, core.as_deref()));
                self.push(Builder::wrap(custom, node), anchor, &mark);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(&mark, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return;
                }
                let (custom, _) = tag_name(&tag);
                self.stack.push(if is_list {
                    Frame::List {
                        line,
                        anchor,
                        tag: custom,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        line,
                        anchor,
                        tag: custom,
                        entries: Entries::default(),
                        key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::List {
                    line,
                    anchor,
                    tag,
                    items,
                }) => {
                    let node = Builder::wrap(tag, Node::new(line, Tree::List(items)));
                    self.push(node, anchor, &mark);
                }
                Some(Frame::Map {
                    line,
                    anchor,
                    tag,
                    entries,
                    ..
                }) => {
                    let node = Builder::wrap(tag, Node::new(line, Tree::Map(entries.entries)));
                    self.push(node, anchor, &mark);
                }
                None => self.fail(&mark, "unbalanced YAML structure"),
            },
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(node) => {
                    // An alias counts as many values as it copies.
                    self.nodes += count(&node);
                    self.push(node, 0, &mark)
                }
                None => self.fail(&mark, "alias to an unknown anchor"),
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Values in a tree, without recursion.
fn count(node: &Node) -> usize {
    let mut n = 0;
    let mut todo = vec![node];
    while let Some(x) = todo.pop() {
        n += 1;
        match &x.value {
            Tree::List(items) => todo.extend(items),
            Tree::Map(entries) => todo.extend(entries.iter().map(|(_, v)| v)),
            Tree::Tagged(_, inner) => todo.push(inner),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_lines_and_scalars() {
        let n = parse(
            "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      KmsKeyId: !Ref Key\n      Size: 5\n      Flag: 'true'\n      Arn: !GetAtt [Key, Arn]\n",
        )
        .unwrap();
        let props = n
            .get("Resources")
            .unwrap()
            .get("Nb")
            .unwrap()
            .get("Properties")
            .unwrap();
        let (k, v) = props.entry("KmsKeyId").unwrap();
        assert_eq!(k.line, 5);
        assert_eq!(
            v.value,
            Tree::Tagged(
                "Ref".into(),
                Box::new(Node::new(5, Tree::String("Key".into())))
            )
        );
        assert_eq!(props.get("Size").unwrap().value, Tree::Number("5".into()));
        assert_eq!(
            props.get("Flag").unwrap().value,
            Tree::String("true".into())
        );
        let Tree::Tagged(t, inner) = &props.get("Arn").unwrap().value else {
            panic!()
        };
        assert_eq!(t, "GetAtt");
        assert_eq!(inner.as_list().unwrap().len(), 2);
    }

    #[test]
    fn anchors_expand_within_limits() {
        let n = parse("a: &x {b: 1}\nc: *x\n").unwrap();
        assert_eq!(
            n.get("c").unwrap().get("b").unwrap().value,
            Tree::Number("1".into())
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("alias"));
    }

    #[test]
    fn errors_are_located() {
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.offset > 0, "{e:?}");
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 2),
            "]".repeat(MAX_DEPTH + 2)
        );
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn deep_block_nesting_is_refused_without_recursion() {
        // `Parser::load` recursed once per level: this overflowed the stack.
        let deep = format!("{}x\n", "- ".repeat(100_000));
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("nesting"), "{e:?}");
        assert_eq!(e.offset, 2 * MAX_DEPTH);
    }

    #[test]
    fn large_maps_keep_the_last_duplicate() {
        // A search of the entries per key took minutes on a map of 600,000 keys.
        let keys = 200_000;
        let mut text = String::new();
        for i in 0..keys {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        text.push_str("k3: again\n");
        let n = parse(&text).unwrap();
        let entries = n.as_map().unwrap();
        assert_eq!(entries.len(), keys);
        assert_eq!(entries[3].1.as_str(), Some("again"));
    }

    #[test]
    fn numbers_follow_the_core_schema() {
        for n in ["1", "-1", "1.5", ".5", "1e3", "+2"] {
            assert!(is_number(n), "{n}");
        }
        for s in ["0x1F", "1.2.3", "e3", "-", "1e", "2012-10-17"] {
            assert!(!is_number(s), "{s}");
        }
    }
}
