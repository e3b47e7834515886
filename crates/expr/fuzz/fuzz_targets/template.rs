//! `cargo fuzz run template`: any string through the parser and the evaluator must give a value
//! or an error, never a panic, a stack overflow or a hang.
#![no_main]

use flowbench_expr::env::EmptyScope;
use flowbench_expr::{evaluate_template, parse_template, Env, FixedClock, SequentialGuids};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_template(text);
    let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
    let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
    let _ = evaluate_template(text, &env);
});
