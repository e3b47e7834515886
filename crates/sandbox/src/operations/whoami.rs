//! WhoAmI: the acting user (the impersonated one when impersonating).

use crate::guid::Guid;
use crate::security::Caller;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhoAmI {
    pub user_id: Guid,
    pub business_unit_id: Guid,
    pub organization_id: Guid,
}

pub fn who_am_i(caller: &Caller, organization_id: Guid) -> WhoAmI {
    WhoAmI { user_id: caller.user.id, business_unit_id: caller.user.business_unit, organization_id }
}
