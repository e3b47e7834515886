//! The business-unit tree, read from the `businessunit` table, for Local and Deep access.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::guid::Guid;

#[derive(Debug, Clone, Default)]
pub struct BusinessUnitTree {
    parent: HashMap<Guid, Guid>,
    children: HashMap<Guid, Vec<Guid>>,
}

impl BusinessUnitTree {
    pub fn load(conn: &Connection) -> rusqlite::Result<BusinessUnitTree> {
        let mut statement = conn.prepare_cached("SELECT businessunitid, parentbusinessunitid FROM businessunit")?;
        let mut tree = BusinessUnitTree::default();
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))?;
        for row in rows {
            let (id, parent) = row?;
            let (Ok(id), Some(Ok(parent))) = (Guid::parse(&id), parent.as_deref().map(Guid::parse)) else { continue };
            tree.parent.insert(id, parent);
            tree.children.entry(parent).or_default().push(id);
        }
        Ok(tree)
    }

    /// The unit and every unit below it (what Deep access reaches).
    pub fn unit_and_descendants(&self, unit: Guid) -> Vec<Guid> {
        let mut found = vec![unit];
        let mut next = 0;
        while next < found.len() {
            if let Some(children) = self.children.get(&found[next]) {
                for child in children {
                    // The scenario check forbids cycles; this guards against hand-edited stores.
                    if !found.contains(child) {
                        found.push(*child);
                    }
                }
            }
            next += 1;
        }
        found
    }

    pub fn is_within(&self, unit: Guid, ancestor: Guid) -> bool {
        let mut current = unit;
        for _ in 0..=self.parent.len() {
            if current == ancestor {
                return true;
            }
            match self.parent.get(&current) {
                Some(p) => current = *p,
                None => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_reaches_grandchildren_only_downwards() {
        let root = Guid::new_random();
        let child = Guid::new_random();
        let grandchild = Guid::new_random();
        let mut tree = BusinessUnitTree::default();
        for (c, p) in [(child, root), (grandchild, child)] {
            tree.parent.insert(c, p);
            tree.children.entry(p).or_default().push(c);
        }
        assert_eq!(tree.unit_and_descendants(child), vec![child, grandchild]);
        assert!(tree.is_within(grandchild, root));
        assert!(!tree.is_within(root, child));
    }
}
