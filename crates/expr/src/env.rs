//! What an evaluation can see: the run's data (trigger, actions, variables, loops), a clock and a
//! GUID source, all injectable so tests are deterministic.

use std::time::SystemTime;

use serde_json::Value;

/// The data of a run that reference functions read. Every method defaults to "absent".
pub trait Scope {
    /// The trigger's record: `{outputs: {headers, body}, …}`.
    fn trigger(&self) -> Option<&Value> {
        None
    }
    /// An action's record: `{name, inputs, outputs: {statusCode, headers, body}, status, …}`.
    fn action(&self, _name: &str) -> Option<&Value> {
        None
    }
    fn variable(&self, _name: &str) -> Option<&Value> {
        None
    }
    fn parameter(&self, _name: &str) -> Option<&Value> {
        None
    }
    /// The current element of the innermost repeating action.
    fn item(&self) -> Option<&Value> {
        None
    }
    /// The current element of the named Foreach.
    fn items(&self, _loop_name: &str) -> Option<&Value> {
        None
    }
    fn iteration_index(&self, _loop_name: &str) -> Option<i64> {
        None
    }
    /// Records of the first-level actions in a Scope, Foreach or Until.
    fn result(&self, _scope_name: &str) -> Option<Value> {
        None
    }
    fn workflow(&self) -> Option<&Value> {
        None
    }
}

/// A scope with nothing in it: expressions that need no run data.
pub struct EmptyScope;
impl Scope for EmptyScope {}

pub trait Clock {
    fn now(&self) -> SystemTime;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Always the same instant.
pub struct FixedClock(pub SystemTime);
impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

pub trait GuidSource {
    fn next_guid(&self) -> [u8; 16];
}

/// Version-4 GUIDs from the operating system's random source.
pub struct RandomGuids;
impl GuidSource for RandomGuids {
    fn next_guid(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b).expect("the OS random source works");
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        b
    }
}

/// 00000000-0000-4000-8000-000000000001, …02, …: predictable GUIDs for tests.
#[derive(Default)]
pub struct SequentialGuids(std::cell::Cell<u64>);
impl GuidSource for SequentialGuids {
    fn next_guid(&self) -> [u8; 16] {
        let n = self.0.get() + 1;
        self.0.set(n);
        let mut b = [0u8; 16];
        b[6] = 0x40;
        b[8] = 0x80;
        b[10..16].copy_from_slice(&n.to_be_bytes()[2..]);
        b
    }
}

pub struct Env<'a> {
    pub scope: &'a dyn Scope,
    pub clock: &'a dyn Clock,
    pub guids: &'a dyn GuidSource,
}

impl Env<'static> {
    /// No run data, the system clock, random GUIDs.
    pub fn standalone() -> Env<'static> {
        Env { scope: &EmptyScope, clock: &SystemClock, guids: &RandomGuids }
    }
}
