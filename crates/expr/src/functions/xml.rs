use super::Function;
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[];

/// `json(<xml value>)`: the XML document as JSON. Replaced by the XML work in progress.
pub(crate) fn json_from_xml(_xml: &Val) -> Result<Val, EvalError> {
    Err(EvalError::new("converting XML to JSON is not supported yet"))
}
