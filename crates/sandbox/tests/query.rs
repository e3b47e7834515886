//! Listing rows: $filter, $select, $orderby, $top, $count and server-driven paging.

mod common;

use std::collections::HashSet;

use common::*;
use reqwest::Method;
use serde_json::json;

async fn contact_names(t: &TestSandbox, query: &str) -> Vec<String> {
    let answer = t.get("admin", &format!("contacts?$select=fullname&{query}")).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    answer.ids("fullname")
}

#[tokio::test]
async fn a_list_has_the_context_and_a_value_array() {
    let t = TestSandbox::start().await;
    let answer = t.get("admin", "contacts?$select=fullname,emailaddress1").await;
    assert_eq!(answer.status, 200);
    assert!(answer.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/api/data/v9.2/$metadata#contacts(fullname,emailaddress1)"));
    let rows = answer.body["value"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        let keys: Vec<&str> = row.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, vec!["@odata.etag", "fullname", "emailaddress1", "contactid"]);
    }
    assert!(answer.body.get("@odata.nextLink").is_none());
    assert!(answer.body.get("@odata.count").is_none());
}

#[tokio::test]
async fn filter_comparison_operators() {
    let t = TestSandbox::start().await;
    let cases: &[(&str, &[&str])] = &[
        ("firstname eq 'Maria'", &["Maria Campbell"]),
        ("firstname eq 'maria'", &["Maria Campbell"]),
        ("firstname ne 'Maria'", &["Nancy Davolio", "Paul Cannon", "Thomas Andersen", "Yvonne McKay"]),
        ("numberofchildren gt 0", &["Maria Campbell", "Nancy Davolio"]),
        ("numberofchildren ge 2", &["Maria Campbell", "Nancy Davolio"]),
        ("numberofchildren lt 2", &["Thomas Andersen"]),
        ("numberofchildren le 2", &["Maria Campbell", "Thomas Andersen"]),
        ("creditlimit ge 10000.5", &["Nancy Davolio", "Thomas Andersen"]),
        ("donotemail eq true", &["Thomas Andersen"]),
        ("birthdate lt 1980-01-01", &["Nancy Davolio"]),
        ("birthdate gt 1980-01-01T00:00:00Z", &["Maria Campbell"]),
        ("preferredcontactmethodcode eq 3", &["Paul Cannon", "Thomas Andersen"]),
        ("3 eq preferredcontactmethodcode", &["Paul Cannon", "Thomas Andersen"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(sorted(contact_names(&t, &format!("$filter={filter}")).await), list(expected), "{filter}");
    }
}

#[tokio::test]
async fn filter_logic_functions_and_null_checks() {
    let t = TestSandbox::start().await;
    let cases: &[(&str, &[&str])] = &[
        ("firstname eq 'Maria' or firstname eq 'Paul'", &["Maria Campbell", "Paul Cannon"]),
        ("numberofchildren ge 0 and donotemail eq false", &["Maria Campbell"]),
        ("not (numberofchildren ge 0)", &[]),
        ("(firstname eq 'Maria' or firstname eq 'Nancy') and numberofchildren gt 2", &["Nancy Davolio"]),
        (
            "firstname eq 'Maria' or firstname eq 'Nancy' and numberofchildren gt 2",
            &["Maria Campbell", "Nancy Davolio"],
        ),
        ("contains(fullname,'an')", &["Nancy Davolio", "Paul Cannon", "Thomas Andersen"]),
        ("startswith(lastname,'Ca')", &["Maria Campbell", "Paul Cannon"]),
        (
            "endswith(emailaddress1,'.test') and not endswith(emailaddress1,'contoso.test')",
            &["Nancy Davolio", "Thomas Andersen", "Yvonne McKay"],
        ),
        ("emailaddress1 eq null", &["Paul Cannon"]),
        ("birthdate ne null", &["Maria Campbell", "Nancy Davolio"]),
        ("contains(fullname,'%')", &[]),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            sorted(contact_names(&t, &format!("$filter={}", urlencode(filter))).await),
            list(expected),
            "{filter}"
        );
    }
}

#[tokio::test]
async fn filter_on_lookup_value_columns() {
    let t = TestSandbox::start().await;
    assert_eq!(
        contact_names(&t, &format!("$filter=_parentcustomerid_value eq {CONTOSO}")).await,
        vec!["Maria Campbell"]
    );
    assert_eq!(contact_names(&t, "$filter=_parentcustomerid_value eq null").await, vec!["Paul Cannon"]);
    assert_eq!(
        sorted(contact_names(&t, &format!("$filter=_ownerid_value eq {ADMIN}")).await),
        list(&["Nancy Davolio", "Paul Cannon"])
    );
    assert_eq!(contact_names(&t, &format!("$filter=_ownerid_value eq {SALES_TEAM}")).await, vec!["Yvonne McKay"]);
    assert_eq!(contact_names(&t, &format!("$filter=contactid eq {MARIA}")).await, vec!["Maria Campbell"]);
}

#[tokio::test]
async fn orderby_and_top() {
    let t = TestSandbox::start().await;
    assert_eq!(
        contact_names(&t, "$orderby=lastname desc").await,
        vec!["Yvonne McKay", "Nancy Davolio", "Paul Cannon", "Maria Campbell", "Thomas Andersen"]
    );
    assert_eq!(
        contact_names(&t, "$orderby=numberofchildren desc,firstname asc").await,
        vec!["Nancy Davolio", "Maria Campbell", "Thomas Andersen", "Paul Cannon", "Yvonne McKay"]
    );
    assert_eq!(contact_names(&t, "$orderby=firstname&$top=2").await, vec!["Maria Campbell", "Nancy Davolio"]);
    let answer = t.get("admin", "contacts?$top=2").await;
    assert!(answer.body.get("@odata.nextLink").is_none(), "$top alone does not page");
    assert_eq!(contact_names(&t, "$top=0").await.len(), 0);
}

#[tokio::test]
async fn count_counts_every_readable_match_not_just_the_page() {
    let t = TestSandbox::start().await;
    let answer = send(
        t.request(Method::GET, "admin", "contacts?$count=true&$select=fullname")
            .header("Prefer", "odata.maxpagesize=2"),
    )
    .await;
    assert_eq!(answer.body["@odata.count"], 5);
    assert_eq!(answer.body["value"].as_array().unwrap().len(), 2);
    let answer = t.get("sam", "contacts?$count=true&$filter=donotemail eq false").await;
    assert_eq!(answer.body["@odata.count"], 2, "sam reads Maria and Yvonne of those: {}", answer.body);
}

async fn read_all_pages(t: &TestSandbox, persona: &str, first: &str, page_size: usize) -> (Vec<String>, usize) {
    let mut url = t.url(first);
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let answer = send(
            t.client.get(&url).bearer_auth(t.token(persona)).header("Prefer", format!("odata.maxpagesize={page_size}")),
        )
        .await;
        assert_eq!(answer.status, 200, "{url}: {}", answer.body);
        assert_eq!(answer.header("Preference-Applied"), Some(format!("odata.maxpagesize={page_size}").as_str()));
        let rows = answer.body["value"].as_array().unwrap();
        assert!(rows.len() <= page_size);
        pages += 1;
        ids.extend(rows.iter().map(|r| r["activityid"].as_str().unwrap().to_string()));
        match answer.body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&t.base_url), "{next}");
                assert!(next.contains("$skiptoken="), "{next}");
                url = next.to_string();
            }
            None => break,
        }
        assert!(pages < 100, "paging does not end");
    }
    (ids, pages)
}

#[tokio::test]
async fn paging_returns_every_row_exactly_once() {
    let t = TestSandbox::start().await;
    let mut created = HashSet::new();
    for i in 0..23 {
        // Repeated and missing priorities make ties and NULLs in the sort key.
        let priority = if i % 4 == 3 { serde_json::Value::Null } else { json!(i % 3) };
        created.insert(
            t.create("admin", "tasks", json!({"subject": format!("Task {:02}", i % 7), "prioritycode": priority}))
                .await,
        );
    }
    let total = 23 + 3;
    for query in [
        "tasks?$select=subject",
        "tasks?$select=subject&$orderby=prioritycode desc,subject",
        "tasks?$orderby=subject asc,prioritycode asc&$top=3",
    ] {
        let (ids, pages) = read_all_pages(&t, "admin", query, 5).await;
        let unique: HashSet<&String> = ids.iter().collect();
        assert_eq!(ids.len(), total, "{query}: every row once");
        assert_eq!(unique.len(), total, "{query}: no row twice");
        assert!(created.iter().all(|id| unique.contains(id)), "{query}");
        assert_eq!(pages, 6, "{query}: 26 rows in pages of 5");
    }
}

#[tokio::test]
async fn paging_keeps_the_order_across_pages() {
    let t = TestSandbox::start().await;
    for i in 0..12 {
        t.create("admin", "tasks", json!({"subject": format!("S{i:02}"), "percentcomplete": (i * 7) % 5})).await;
    }
    let (paged, _) =
        read_all_pages(&t, "admin", "tasks?$orderby=percentcomplete desc,subject&$filter=startswith(subject,'S')", 4)
            .await;
    let whole = t.get("admin", "tasks?$orderby=percentcomplete desc,subject&$filter=startswith(subject,'S')").await;
    assert_eq!(paged, whole.ids("activityid"));
}

#[tokio::test]
async fn paging_with_a_filter_and_security_only_pages_the_readable_rows() {
    let t = TestSandbox::start().await;
    for i in 0..7 {
        t.create("sam", "tasks", json!({"subject": format!("Sam's {i}")})).await;
        t.create("admin", "tasks", json!({"subject": format!("Admin's {i}")})).await;
    }
    // sam: his own tasks (Basic) and the Sales business unit's (team role, Local).
    let (ids, _) = read_all_pages(&t, "sam", "tasks?$select=subject", 3).await;
    assert_eq!(ids.len(), 7 + 2, "7 new, the seeded one of sam's and nora's");
}

#[tokio::test]
async fn bad_queries_are_400_saying_what_and_where() {
    let t = TestSandbox::start().await;
    let cases = [
        ("contacts?$filter=firstname eq", "Syntax error at position 13 in $filter 'firstname eq': expected a property or a value, but the filter ends."),
        ("contacts?$filter=nickname eq 'x'", "Could not find a property named 'nickname' on type 'Microsoft.Dynamics.CRM.contact' (at position 1"),
        ("contacts?$filter=numberofchildren eq 'two'", "Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'"),
        ("contacts?$filter=firstname eq 'x", "has no closing quote"),
        ("contacts?$select=fullname,nickname", "Could not find a property named 'nickname'"),
        ("contacts?$orderby=nickname", "Could not find a property named 'nickname'"),
        ("contacts?$top=-3", "The $top query option requires a non-negative integer value."),
        ("contacts?$skip=2", "The query parameter $skip is not supported"),
        ("contacts?$count=maybe", "not a valid count option"),
        ("contacts?$skiptoken=00ff", "The $skiptoken is not valid for this query"),
    ];
    for (path, expected) in cases {
        let answer = t.get("admin", path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert_eq!(answer.error_code(), "0x80060888", "{path}");
        assert!(answer.error_message().contains(expected), "{path}: {}", answer.error_message());
    }
}

#[tokio::test]
async fn a_filter_of_many_conditions_works_up_to_the_limit() {
    let t = TestSandbox::start().await;
    // A flow looking up many rows at once: `contactid eq … or contactid eq …`.
    let mut ids: Vec<String> = (0..499).map(|i| format!("99999999-0000-4000-8000-{i:012}")).collect();
    ids.push(MARIA.to_string());
    let filter = ids.iter().map(|id| format!("contactid eq {id}")).collect::<Vec<_>>().join(" or ");
    assert_eq!(contact_names(&t, &format!("$filter={}", urlencode(&filter))).await, vec!["Maria Campbell"]);
    let answer =
        t.get("admin", &format!("contacts?$filter={}", urlencode(&format!("{filter} or firstname eq 'x'")))).await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("more than 500 conditions"), "{}", answer.error_message());
}

#[tokio::test]
async fn filter_values_cannot_inject_sql() {
    let t = TestSandbox::start().await;
    for filter in
        ["firstname eq 'x'' or ''1''=''1'", "firstname eq 'x\"; DROP TABLE contact; --'", "contains(firstname,''')--')"]
    {
        let answer = t.get("admin", &format!("contacts?$filter={}", urlencode(filter))).await;
        assert!(answer.status == 200 || answer.status == 400, "{filter}: {}", answer.body);
        if answer.status == 200 {
            assert_eq!(answer.body["value"].as_array().unwrap().len(), 0, "{filter}");
        }
    }
    assert_eq!(t.get("admin", "contacts").await.body["value"].as_array().unwrap().len(), 5, "the table is intact");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
