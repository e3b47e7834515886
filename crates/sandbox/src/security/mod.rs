//! Dataverse's security model (reference §2.4): who the caller is, the privilege check, then
//! the row check by ownership and depth.

pub mod access;
pub mod business_units;
pub mod caller;
pub mod principal;
pub mod privileges;

pub use access::RowSecurity;
pub use business_units::BusinessUnitTree;
pub use caller::{Caller, Impersonation};
pub use principal::{Principal, PrincipalKind};
