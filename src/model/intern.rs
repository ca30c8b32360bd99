//! Sharing of strings that repeat across resources (accounts, regions, tag keys and
//! values): one allocation each instead of one per resource.

use std::collections::HashSet;
use std::sync::Arc;

/// A set of shared strings. Cheap to create: sources use one per batch of resources
/// parsed in parallel, so no lock is needed.
#[derive(Default)]
pub struct Interner(HashSet<Arc<str>>);

impl Interner {
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(s) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(s);
        self.0.insert(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let mut i = Interner::default();
        let a = i.intern("us-east-1");
        let b = i.intern("us-east-1");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &i.intern("eu-west-1")));
    }
}
