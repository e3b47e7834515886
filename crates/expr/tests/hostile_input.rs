//! What the fuzz target checks, on a fixed set of hostile inputs so it runs in every test run:
//! deep nesting, long inputs and random token soup give errors or values, never a panic or a
//! stack overflow.

use flowbench_expr::env::EmptyScope;
use flowbench_expr::{evaluate_template, parse_template, Env, FixedClock, ParseError, SequentialGuids};

fn env_eval(text: &str) -> Result<flowbench_expr::Val, flowbench_expr::EvalError> {
    let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
    let env = Env { scope: &EmptyScope, clock: &clock, guids: &guids };
    evaluate_template(text, &env)
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [200, 5_000, 100_000] {
        let nested_calls = format!("@{}1{}", "add(".repeat(depth), ",1)".repeat(depth));
        assert!(matches!(parse_template(&nested_calls), Err(ParseError::TooDeep { .. }) | Err(ParseError::TooLong)));
        assert!(env_eval(&nested_calls).is_err());
        let nested_access = format!("@createArray(1){}", "[0]".repeat(depth));
        assert!(env_eval(&nested_access).is_err());
        let unclosed = format!("@{}", "concat(".repeat(depth));
        assert!(env_eval(&unclosed).is_err());
    }
    // Just under the limit still works.
    let fine = format!("@{}1{}", "add(".repeat(100), ",1)".repeat(100));
    assert_eq!(env_eval(&fine).unwrap(), flowbench_expr::Val::Int(101));
}

#[test]
fn random_token_soup_never_panics() {
    const PIECES: &[&str] = &[
        "@", "@{", "}", "@@", "(", ")", "[", "]", "?", ".", ",", "'", "''", "1", "-2.5e3", "+", "e", "x", "add", "concat",
        "createArray", "json", "'{}'", "true", "null", "items", "'a/b'", " ", "if", "and", "substring", "split", "xml",
        "range", "base64", "dataUri", "'<a/>'", "addDays", "'2020-01-01'", "formatNumber", "9223372036854775807",
    ];
    // A fixed linear congruential sequence: the same inputs every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..20_000 {
        let len = 1 + (state >> 60) as usize;
        let mut text = String::new();
        for _ in 0..len * 3 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            text.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
        }
        let _ = parse_template(&text);
        let _ = env_eval(&text);
    }
}
