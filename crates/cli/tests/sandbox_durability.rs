//! Durability of the sandbox: writers create rows while the server is killed with SIGKILL; after
//! a restart every write it acknowledged is there, and the store opens and answers consistently.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn flowbench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flowbench"))
}

fn serve(data: &str) -> (Child, String) {
    let mut child = flowbench().args(["sandbox", "serve", "--data", data]).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
    (child, first.trim().trim_start_matches("http://").to_string())
}

fn token(data: &str) -> String {
    let out = flowbench().args(["sandbox", "token", "admin", "--data", data]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// One HTTP/1.1 request on its own connection; `None` when the server is gone.
fn request(address: &str, token: &str, method: &str, path: &str, body: Option<&str>, extra: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

#[test]
fn every_acknowledged_write_survives_a_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let (mut server, address) = serve(&data);
    let token = token(&data);

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (address, token, acknowledged, stop) = (address.clone(), token.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("durable-{w}-{i}");
                    let body = format!(r#"{{"firstname": "Load", "lastname": "{name}"}}"#);
                    match request(&address, &token, "POST", "/api/data/v9.2/contacts", Some(&body), "") {
                        Some((204 | 201, _)) => acknowledged.lock().unwrap().push(name),
                        Some((status, body)) => panic!("create answered {status}: {body}"),
                        None => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL: no chance to flush anything
    let _ = server.wait();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "the load wrote only {} rows before the kill", acknowledged.len());

    let (mut server, address) = serve(&data);
    let token = self::token(&data);
    let mut found = std::collections::HashSet::new();
    let mut path = "/api/data/v9.2/contacts?$select=lastname&$filter=startswith(lastname,'durable-')".to_string();
    let started = Instant::now();
    loop {
        let (status, body) = request(&address, &token, "GET", &path, None, "Prefer: odata.maxpagesize=500\r\n").expect("the restarted server answers");
        assert_eq!(status, 200, "{body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        for row in page["value"].as_array().unwrap() {
            assert!(found.insert(row["lastname"].as_str().unwrap().to_string()), "a row came back twice");
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => path = next.split_once(&address).map_or(next, |(_, p)| p).to_string(),
            None => break,
        }
        assert!(started.elapsed() < Duration::from_secs(60), "paging did not end");
    }
    server.kill().unwrap();
    let _ = server.wait();
    let lost: Vec<_> = acknowledged.iter().filter(|n| !found.contains(*n)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged writes were lost: {:?}", lost.len(), acknowledged.len(), &lost[..lost.len().min(5)]);
    println!("{} acknowledged writes, all present after kill -9 ({} rows in all)", acknowledged.len(), found.len());
}
