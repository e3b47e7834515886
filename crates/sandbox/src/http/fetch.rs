//! The answer to `GET /<entity set>?fetchXml=…` (reference §1.7): rows without null values,
//! the paging cookie and `morerecords` when annotations are asked for, the total when asked for.

use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::responses::Reply;
use super::routes::ApiRequest;
use crate::api_error::ApiError;
use crate::fetchxml::{self, cookie};
use crate::metadata::TableMeta;
use crate::odata::options::{self, MAX_PAGE_SIZE};
use crate::operations;
use crate::representation::collection_context;
use crate::security::Caller;
use crate::Core;

const PAGING_COOKIE: &str = "Microsoft.Dynamics.CRM.fetchxmlpagingcookie";
const MORE_RECORDS: &str = "Microsoft.Dynamics.CRM.morerecords";
const TOTAL: &str = "Microsoft.Dynamics.CRM.totalrecordcount";
const TOTAL_EXCEEDED: &str = "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded";

pub fn list(
    conn: &Connection,
    core: &Core,
    base_url: &str,
    caller: &Caller,
    table: &TableMeta,
    request: &ApiRequest,
    fetch_xml: &str,
) -> Result<Reply, ApiError> {
    let fetch = fetchxml::parse(fetch_xml)?;
    let odata_count = options::resolve_count(request.options.count.as_deref())?;
    let page =
        operations::fetch(conn, &core.metadata, caller, table, &fetch, odata_count || fetch.return_total_record_count)?;
    let prefer = &request.prefer;

    let mut object = Map::new();
    object.insert("@odata.context".into(), collection_context(base_url, table, None).into());
    if let Some(total) = page.total {
        // Dataverse counts at most 5,000 rows and says when there were more.
        let shown = total.min(MAX_PAGE_SIZE as i64);
        if odata_count {
            object.insert("@odata.count".into(), shown.into());
        }
        object.insert(format!("@{TOTAL}"), shown.into());
        object.insert(format!("@{TOTAL_EXCEEDED}"), (total > MAX_PAGE_SIZE as i64).into());
    }
    if let (true, Some(text)) = (page.more, &page.cookie) {
        if prefer.wants_annotation(PAGING_COOKIE) {
            // The cookie is URL-encoded twice inside the annotation, as Dataverse sends it.
            let annotation = format!(
                "<cookie pagenumber=\"{}\" pagingcookie=\"{}\" istracking=\"False\" />",
                page.page + 1,
                cookie::url_encode(&cookie::url_encode(text))
            );
            object.insert(format!("@{PAGING_COOKIE}"), annotation.into());
        }
        if prefer.wants_annotation(MORE_RECORDS) {
            object.insert(format!("@{MORE_RECORDS}"), true.into());
        }
    }
    object.insert("value".into(), page.rows.into_iter().map(Json::Object).collect::<Vec<_>>().into());
    let mut reply = Reply::json(200, Json::Object(object));
    if let Some(list) = &prefer.include_annotations {
        reply = reply.header("Preference-Applied", format!("odata.include-annotations=\"{list}\""));
    }
    Ok(reply)
}
