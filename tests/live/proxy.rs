//! A loopback HTTP proxy in front of the emulator that injects what real accounts do to a
//! scanner: throttling, server errors, slow answers, denied services, expired credentials.
//! Errors are written in each service's protocol (JSON, REST-JSON, query XML, EC2 XML, S3
//! XML), with the codes the real services use, so the SDK classifies them as it would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What to inject, in requests per thousand.
#[derive(Clone, Default)]
pub struct Plan {
    pub throttle: u64,
    pub server_error: u64,
    pub slow: u64,
    pub slow_for: Duration,
    /// Signing names (`sagemaker`, `s3`, ...) whose every call is denied.
    pub deny: Vec<String>,
    /// Every call fails with an expired-token error.
    pub expired: bool,
    /// `sts:AssumeRole` into this account is denied.
    pub deny_assume: Option<String>,
}

#[derive(Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub server_errors: AtomicU64,
    pub slowed: AtomicU64,
    pub denied: AtomicU64,
}

pub struct Proxy {
    pub url: String,
    pub stats: Arc<Stats>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str, plan: Plan) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let stats = Arc::new(Stats::default());
        let shared = (Arc::new(plan), stats.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (plan, stats) = (shared.0.clone(), shared.1.clone());
                let upstream = upstream.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &upstream, &plan, &stats);
                });
            }
        });
        Proxy { url, stats }
    }

    pub fn count(&self, what: fn(&Stats) -> &AtomicU64) -> u64 {
        what(&self.stats).load(Ordering::Relaxed)
    }
}

struct Request {
    head: String,
    body: Vec<u8>,
    service: String,
    json_target: bool,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    // `Credential=AKID/DATE/REGION/SERVICE/aws4_request`
    let service = header("authorization")
        .and_then(|a| {
            let c = a.split("Credential=").nth(1)?;
            c.split('/').nth(3).map(str::to_string)
        })
        .unwrap_or_default();
    let json_target = header("x-amz-target").is_some();
    Ok(Some(Request {
        head,
        body,
        service,
        json_target,
    }))
}

fn serve(conn: TcpStream, upstream: &str, plan: &Plan, stats: &Stats) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut client = conn;
    while let Some(req) = read_request(&mut reader)? {
        let n = stats.requests.fetch_add(1, Ordering::Relaxed);
        let roll = spread(n) % 1000;
        let response = if plan.expired {
            error(&req, Fault::Expired)
        } else if plan.deny.contains(&req.service) || denies_assume(plan, &req) {
            stats.denied.fetch_add(1, Ordering::Relaxed);
            error(&req, Fault::Denied)
        } else if roll < plan.throttle {
            stats.throttled.fetch_add(1, Ordering::Relaxed);
            error(&req, Fault::Throttled)
        } else if roll < plan.throttle + plan.server_error {
            stats.server_errors.fetch_add(1, Ordering::Relaxed);
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n".to_vec()
        } else {
            if roll < plan.throttle + plan.server_error + plan.slow {
                stats.slowed.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(plan.slow_for);
            }
            forward(&req, upstream)?
        };
        client.write_all(&response)?;
        client.flush()?;
        if response
            .windows(17)
            .any(|w| w.eq_ignore_ascii_case(b"connection: close"))
        {
            break;
        }
    }
    Ok(())
}

fn denies_assume(plan: &Plan, req: &Request) -> bool {
    let Some(account) = &plan.deny_assume else {
        return false;
    };
    let body = String::from_utf8_lossy(&req.body);
    req.service == "sts"
        && body.contains("Action=AssumeRole")
        && body.contains(&format!("iam%3A%3A{account}%3Arole"))
}

/// Spreads request numbers over 0..1000 so faults do not come in runs.
fn spread(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 31)
}

/// Sends the request upstream on a connection of its own and returns the whole answer,
/// marked to close the client's connection after it.
fn forward(req: &Request, upstream: &str) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    let mut head: String = req
        .head
        .lines()
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    head.push_str("Connection: close\r\n\r\n");
    up.write_all(head.as_bytes())?;
    up.write_all(&req.body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(answer);
    };
    let (head, body) = answer.split_at(split + 4);
    let head = String::from_utf8_lossy(head);
    let mut out: String = head
        .lines()
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    // Answers without a length end at the close.
    if !out.to_ascii_lowercase().contains("content-length:")
        && !out.to_ascii_lowercase().contains("transfer-encoding:")
    {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Ok(bytes)
}

enum Fault {
    Throttled,
    Denied,
    Expired,
}

/// An error answer in the request's protocol.
fn error(req: &Request, fault: Fault) -> Vec<u8> {
    let action = format!("{}:*", req.service);
    let denied = format!("User: arn:aws:sts::111122223333:assumed-role/AilintAudit/ailint is not authorized to perform: {action}");
    enum Protocol {
        Json,
        RestJson,
        Query,
        Ec2,
        S3,
    }
    let protocol = if req.json_target {
        Protocol::Json
    } else {
        match req.service.as_str() {
            "iam" | "sts" => Protocol::Query,
            "ec2" => Protocol::Ec2,
            "s3" => Protocol::S3,
            _ => Protocol::RestJson,
        }
    };
    let (status, code, message) = match (&fault, &protocol) {
        (Fault::Throttled, Protocol::Json) => {
            (400, "ThrottlingException", "Rate exceeded".to_string())
        }
        (Fault::Throttled, Protocol::RestJson) => {
            (429, "ThrottlingException", "Rate exceeded".to_string())
        }
        (Fault::Throttled, Protocol::Query) => (400, "Throttling", "Rate exceeded".to_string()),
        (Fault::Throttled, Protocol::Ec2) => (
            503,
            "RequestLimitExceeded",
            "Request limit exceeded.".to_string(),
        ),
        (Fault::Throttled, Protocol::S3) => (
            503,
            "SlowDown",
            "Please reduce your request rate.".to_string(),
        ),
        (Fault::Denied, Protocol::Json | Protocol::RestJson) => {
            (403, "AccessDeniedException", denied)
        }
        (Fault::Denied, Protocol::Query | Protocol::S3) => (403, "AccessDenied", denied),
        (Fault::Denied, Protocol::Ec2) => (403, "UnauthorizedOperation", denied),
        (Fault::Expired, Protocol::Json | Protocol::RestJson) => (
            403,
            "ExpiredTokenException",
            "The security token included in the request is expired".to_string(),
        ),
        (Fault::Expired, _) => (
            400,
            "ExpiredToken",
            "The security token included in the request is expired".to_string(),
        ),
    };
    let (content_type, extra, body) = match protocol {
        Protocol::Json => (
            "application/x-amz-json-1.1",
            String::new(),
            format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
        ),
        Protocol::RestJson => (
            "application/json",
            format!("x-amzn-ErrorType: {code}\r\n"),
            format!(r#"{{"message":"{message}"}}"#),
        ),
        Protocol::Query => (
            "text/xml",
            String::new(),
            format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"),
        ),
        Protocol::Ec2 => (
            "text/xml",
            String::new(),
            format!("<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>"),
        ),
        Protocol::S3 => (
            "application/xml",
            String::new(),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>0000000000000000</RequestId></Error>"),
        ),
    };
    format!(
        "HTTP/1.1 {status} Error\r\nContent-Type: {content_type}\r\n{extra}x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
