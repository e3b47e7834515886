//! The FetchXML query model, read from the element tree with the checks Dataverse's schema
//! makes: known elements and attributes only, operators from the supported list.

use super::xml::Element;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub top: Option<usize>,
    /// Rows per page (`count`).
    pub count: Option<usize>,
    pub page: Option<usize>,
    pub paging_cookie: Option<String>,
    pub distinct: bool,
    pub return_total_record_count: bool,
    pub entity: EntityNode,
}

/// `<entity>` or `<link-entity>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityNode {
    pub name: String,
    pub attributes: Vec<AttributeNode>,
    pub all_attributes: bool,
    pub orders: Vec<OrderNode>,
    pub filters: Vec<FilterNode>,
    pub links: Vec<LinkNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkNode {
    pub entity: EntityNode,
    /// The column of the linked table.
    pub from: String,
    /// The column of the parent table.
    pub to: String,
    pub alias: Option<String>,
    pub outer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeNode {
    pub name: String,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderNode {
    pub attribute: String,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterNode {
    pub or: bool,
    pub items: Vec<FilterItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterItem {
    Condition(ConditionNode),
    Filter(FilterNode),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionNode {
    /// A link-entity alias the condition applies to, instead of the enclosing entity.
    pub entity_name: Option<String>,
    pub attribute: String,
    pub operator: Operator,
    pub value: Option<String>,
    /// `<value>` children (in, not-in).
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Like,
    NotLike,
    BeginsWith,
    EndsWith,
    Null,
    NotNull,
    In,
    NotIn,
    EqUserId,
    NeUserId,
    EqBusinessId,
}

impl Operator {
    fn parse(text: &str) -> Option<Operator> {
        Some(match text {
            "eq" => Operator::Eq,
            "ne" | "neq" => Operator::Ne,
            "gt" => Operator::Gt,
            "ge" => Operator::Ge,
            "lt" => Operator::Lt,
            "le" => Operator::Le,
            "like" => Operator::Like,
            "not-like" => Operator::NotLike,
            "begins-with" => Operator::BeginsWith,
            "ends-with" => Operator::EndsWith,
            "null" => Operator::Null,
            "not-null" => Operator::NotNull,
            "in" => Operator::In,
            "not-in" => Operator::NotIn,
            "eq-userid" => Operator::EqUserId,
            "ne-userid" => Operator::NeUserId,
            "eq-businessid" => Operator::EqBusinessId,
            _ => return None,
        })
    }

    /// Whether the operator compares with one value (`value="…"`).
    pub fn takes_value(self) -> bool {
        !matches!(
            self,
            Operator::Null
                | Operator::NotNull
                | Operator::In
                | Operator::NotIn
                | Operator::EqUserId
                | Operator::NeUserId
                | Operator::EqBusinessId
        )
    }
}

/// Operators of Dataverse's list that the sandbox does not evaluate: named in the error, so
/// that a flow author learns it is a sandbox limit and not a typo.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "between", "not-between", "yesterday", "today", "tomorrow", "last-x-days", "next-x-days", "last-x-hours",
    "next-x-hours", "on", "on-or-after", "on-or-before", "this-year", "last-year", "eq-userteams",
    "eq-useroruserteams", "above", "under", "eq-or-above", "eq-or-under", "not-under", "contain-values",
    "not-contain-values", "ne-businessid", "eq-userlanguage", "olderthan-x-days",
];

/// A FetchXML problem: the message Dataverse-like, naming the element or attribute.
pub type ModelError = String;

pub fn read(root: &Element) -> Result<Fetch, ModelError> {
    if root.name != "fetch" {
        return Err(format!("The root element must be 'fetch', not '{}'.", root.name));
    }
    check_attributes(
        root,
        &[
            "version", "output-format", "mapping", "distinct", "top", "count", "page", "paging-cookie",
            "returntotalrecordcount", "no-lock", "aggregate", "latematerialize", "options", "useraworderby",
            "datasource",
        ],
    )?;
    if flag(root, "aggregate")? {
        return Err("Aggregate FetchXML queries are not supported by the Flowbench sandbox yet.".into());
    }
    let number = |name: &str| -> Result<Option<usize>, ModelError> {
        match root.attribute(name) {
            None => Ok(None),
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!("The '{name}' attribute of 'fetch' must be a positive whole number, not '{text}'.")),
            },
        }
    };
    let (top, count, page) = (number("top")?, number("count")?, number("page")?);
    if top.is_some() && (count.is_some() || page.is_some()) {
        // Dataverse's wording.
        return Err("The top attribute can't be specified with paging attribute page or count".into());
    }
    let mut entities = root.children.iter().filter(|c| c.name == "entity");
    let entity = entities.next().ok_or("The 'fetch' element must contain an 'entity' element.")?;
    if entities.next().is_some() {
        return Err("The 'fetch' element must contain exactly one 'entity' element.".into());
    }
    if let Some(other) = root.children.iter().find(|c| c.name != "entity" && c.name != "order") {
        return Err(format!("The element '{}' is not valid inside 'fetch'.", other.name));
    }
    check_attributes(entity, &["name", "enableprefiltering", "prefilterparametername"])?;
    let mut entity_node = entity_node(entity)?;
    // `<order>` directly under `<fetch>` is accepted by Dataverse for the main entity.
    for order in root.children.iter().filter(|c| c.name == "order") {
        entity_node.orders.push(order_node(order)?);
    }
    Ok(Fetch {
        top,
        count,
        page,
        paging_cookie: root.attribute("paging-cookie").filter(|c| !c.trim().is_empty()).map(str::to_string),
        distinct: flag(root, "distinct")?,
        return_total_record_count: flag(root, "returntotalrecordcount")?,
        entity: entity_node,
    })
}

/// The tree is at most 32 elements deep (`xml::parse`), so the recursion is bounded.
fn entity_node(element: &Element) -> Result<EntityNode, ModelError> {
    let name = required(element, "name")?.to_string();
    let mut node = EntityNode {
        name,
        attributes: Vec::new(),
        all_attributes: false,
        orders: Vec::new(),
        filters: Vec::new(),
        links: Vec::new(),
    };
    for child in &element.children {
        match child.name.as_str() {
            "attribute" => {
                check_attributes(child, &["name", "alias", "build", "addedby", "usertimezone"])?;
                if child.attribute("aggregate").is_some() || child.attribute("groupby").is_some() {
                    return Err("Aggregate FetchXML queries are not supported by the Flowbench sandbox yet.".into());
                }
                node.attributes.push(AttributeNode {
                    name: required(child, "name")?.to_string(),
                    alias: child.attribute("alias").map(str::to_string),
                });
            }
            "all-attributes" => node.all_attributes = true,
            "order" => node.orders.push(order_node(child)?),
            "filter" => node.filters.push(filter_node(child)?),
            "link-entity" => {
                check_attributes(child, &["name", "from", "to", "alias", "link-type", "visible", "intersect"])?;
                let outer = match child.attribute("link-type").unwrap_or("inner") {
                    "inner" => false,
                    "outer" => true,
                    other => {
                        return Err(format!(
                            "The link-type '{other}' of link-entity '{}' is not supported; use inner or outer.",
                            child.attribute("name").unwrap_or_default()
                        ))
                    }
                };
                node.links.push(LinkNode {
                    entity: entity_node(child)?,
                    from: required(child, "from")?.to_string(),
                    to: required(child, "to")?.to_string(),
                    alias: child.attribute("alias").map(str::to_string),
                    outer,
                });
            }
            other => return Err(format!("The element '{other}' is not valid inside '{}'.", element.name)),
        }
    }
    Ok(node)
}

fn order_node(element: &Element) -> Result<OrderNode, ModelError> {
    check_attributes(element, &["attribute", "descending", "alias", "entityname"])?;
    if element.attribute("alias").is_some() {
        return Err("Ordering by an alias is for aggregate queries, which the Flowbench sandbox does not support yet.".into());
    }
    Ok(OrderNode { attribute: required(element, "attribute")?.to_string(), descending: flag(element, "descending")? })
}

fn filter_node(element: &Element) -> Result<FilterNode, ModelError> {
    check_attributes(element, &["type", "isquickfindfields", "overridequickfindrecordlimitenabled", "overridequickfindrecordlimitdisabled"])?;
    let or = match element.attribute("type").unwrap_or("and") {
        "and" => false,
        "or" => true,
        other => return Err(format!("The filter type '{other}' is not valid; use and or or.")),
    };
    let mut items = Vec::new();
    for child in &element.children {
        match child.name.as_str() {
            "condition" => items.push(FilterItem::Condition(condition_node(child)?)),
            "filter" => items.push(FilterItem::Filter(filter_node(child)?)),
            other => return Err(format!("The element '{other}' is not valid inside 'filter'.")),
        }
    }
    Ok(FilterNode { or, items })
}

fn condition_node(element: &Element) -> Result<ConditionNode, ModelError> {
    check_attributes(element, &["attribute", "operator", "value", "entityname", "column", "uiname", "uitype", "uihidden"])?;
    let attribute = required(element, "attribute")?.to_string();
    let text = required(element, "operator")?;
    let operator = Operator::parse(text).ok_or_else(|| {
        if KNOWN_UNSUPPORTED.contains(&text) {
            format!("The condition operator '{text}' (on attribute '{attribute}') is not supported by the Flowbench sandbox yet.")
        } else {
            format!("The condition operator '{text}' on attribute '{attribute}' is not valid.")
        }
    })?;
    let mut values = Vec::new();
    for child in &element.children {
        if child.name != "value" {
            return Err(format!("The element '{}' is not valid inside 'condition'.", child.name));
        }
        values.push(child.text.clone());
    }
    let value = element.attribute("value").map(str::to_string);
    match operator {
        Operator::In | Operator::NotIn if values.is_empty() && value.is_none() => {
            return Err(format!("The '{text}' condition on '{attribute}' needs <value> elements."));
        }
        Operator::In | Operator::NotIn => {}
        op if op.takes_value() && value.is_none() => {
            return Err(format!("The '{text}' condition on '{attribute}' needs a value attribute."));
        }
        op if !op.takes_value() && value.is_some() => {
            return Err(format!("The '{text}' condition on '{attribute}' takes no value."));
        }
        _ => {}
    }
    Ok(ConditionNode { entity_name: element.attribute("entityname").map(str::to_string), attribute, operator, value, values })
}

fn required<'e>(element: &'e Element, name: &str) -> Result<&'e str, ModelError> {
    element
        .attribute(name)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("The '{}' element needs a '{name}' attribute.", element.name))
}

fn flag(element: &Element, name: &str) -> Result<bool, ModelError> {
    match element.attribute(name).map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(format!("The '{name}' attribute of '{}' must be true or false, not '{other}'.", element.name)),
    }
}

/// Dataverse validates FetchXML against its schema: an unknown attribute is an error.
fn check_attributes(element: &Element, allowed: &[&str]) -> Result<(), ModelError> {
    match element.attributes.iter().find(|(name, _)| !allowed.contains(&name.as_str())) {
        Some((name, _)) => Err(format!("The '{name}' attribute is not declared on the '{}' element.", element.name)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetchxml::xml;

    fn model(text: &str) -> Result<Fetch, ModelError> {
        read(&xml::parse(text).unwrap())
    }

    #[test]
    fn reads_a_fetch_with_links_filters_and_paging() {
        let fetch = model(
            r#"<fetch count="2" page="3" distinct="false"><entity name="contact"><attribute name="fullname" alias="n"/>
               <order attribute="fullname" descending="true"/>
               <filter type="or"><condition attribute="a" operator="in"><value>1</value><value>2</value></condition>
               <filter><condition attribute="b" operator="null"/></filter></filter>
               <link-entity name="account" from="accountid" to="parentcustomerid" alias="acc" link-type="outer"><all-attributes/></link-entity>
               </entity></fetch>"#,
        )
        .unwrap();
        assert_eq!((fetch.count, fetch.page, fetch.top), (Some(2), Some(3), None));
        assert_eq!(fetch.entity.attributes[0], AttributeNode { name: "fullname".into(), alias: Some("n".into()) });
        assert!(fetch.entity.orders[0].descending);
        assert!(fetch.entity.filters[0].or);
        let FilterItem::Condition(c) = &fetch.entity.filters[0].items[0] else { panic!() };
        assert_eq!(c.values, vec!["1", "2"]);
        assert!(fetch.entity.links[0].outer && fetch.entity.links[0].entity.all_attributes);
    }

    #[test]
    fn schema_errors_name_what_is_wrong() {
        let cases = [
            ("<fetsh/>", "root element must be 'fetch'"),
            ("<fetch><entity/></fetch>", "'entity' element needs a 'name'"),
            ("<fetch top='1' count='2'><entity name='x'/></fetch>", "top attribute can't be specified"),
            ("<fetch><entity name='x'><condition attribute='a' operator='eq' value='1'/></entity></fetch>", "'condition' is not valid inside 'entity'"),
            ("<fetch><entity name='x'><filter><condition attribute='a' operator='equals' value='1'/></filter></entity></fetch>", "operator 'equals' on attribute 'a' is not valid"),
            ("<fetch><entity name='x'><filter><condition attribute='a' operator='today'/></filter></entity></fetch>", "not supported by the Flowbench sandbox"),
            ("<fetch><entity name='x'><filter><condition attribute='a' operator='eq'/></filter></entity></fetch>", "needs a value attribute"),
            ("<fetch><entity name='x'><filter><condition attribute='a' operator='in'/></filter></entity></fetch>", "needs <value> elements"),
            ("<fetch><entity name='x'><attribute name='a' colour='red'/></entity></fetch>", "'colour' attribute is not declared on the 'attribute'"),
            ("<fetch count='-1'><entity name='x'/></fetch>", "positive whole number"),
            ("<fetch><entity name='x'><link-entity name='y' from='a' to='b' link-type='natural'/></entity></fetch>", "link-type 'natural'"),
        ];
        for (text, expected) in cases {
            let err = model(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
