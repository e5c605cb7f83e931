//! A loopback SMTP sink for tests: accepts mail on an ephemeral port and records each message (envelope and the
//! raw DATA), so a test can assert that a notice really went out over SMTP. Not a mail server: no relaying, no TLS,
//! no authentication beyond accepting `AUTH` blindly.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message the sink received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivedMail {
    /// `MAIL FROM` address.
    pub from: String,
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

impl ReceivedMail {
    /// The decoded `Subject` header (RFC 2047 encoded words in UTF-8, base64 or quoted-printable).
    pub fn subject(&self) -> String {
        let mut lines = self.data.split("\r\n");
        let mut raw = String::new();
        while let Some(line) = lines.next() {
            if let Some(rest) = line.strip_prefix("Subject:") {
                raw.push_str(rest.trim());
                // Folded continuation lines.
                for next in lines.by_ref() {
                    if next.starts_with(' ') || next.starts_with('\t') {
                        raw.push(' ');
                        raw.push_str(next.trim());
                    } else {
                        break;
                    }
                }
                break;
            }
        }
        decode_words(&raw)
    }

    /// The body after the headers, decoded from base64 or quoted-printable when the headers say so.
    pub fn body(&self) -> String {
        let (headers, body) = self.data.split_once("\r\n\r\n").unwrap_or(("", &self.data));
        let lower = headers.to_ascii_lowercase();
        if lower.contains("content-transfer-encoding: base64") {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8_lossy(&base64_decode(&joined)).into_owned()
        } else if lower.contains("content-transfer-encoding: quoted-printable") {
            String::from_utf8_lossy(&quoted_printable(body)).into_owned()
        } else {
            body.to_owned()
        }
    }
}

/// The running sink.
#[derive(Clone)]
pub struct SmtpSink {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    messages: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    /// Starts a sink on an ephemeral loopback port; it runs until the runtime ends.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("local address").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(socket, store).await;
                });
            }
        });
        Self { port, messages }
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.messages.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

async fn session(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<ReceivedMail>>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 motcua-test-sink ESMTP\r\n").await?;
    let mut mail = ReceivedMail::default();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-motcua-test-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 motcua-test-sink\r\n").await?;
        } else if upper.starts_with("AUTH") {
            write.write_all(b"235 2.7.0 accepted\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            mail = ReceivedMail { from: address(&line[10..]), ..ReceivedMail::default() };
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(address(&line[8..]));
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 end with .\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            mail.data = data;
            store.lock().unwrap_or_else(|p| p.into_inner()).push(std::mem::take(&mut mail));
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            break;
        } else {
            // RSET, NOOP and anything else.
            write.write_all(b"250 OK\r\n").await?;
        }
    }
    Ok(())
}

fn address(raw: &str) -> String {
    let raw = raw.trim();
    let start = raw.find('<').map_or(0, |i| i + 1);
    let end = raw.find('>').unwrap_or(raw.len());
    raw[start..end].to_owned()
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); plain text passes through.
fn decode_words(raw: &str) -> String {
    let mut out = String::new();
    let mut previous_was_word = false;
    for token in raw.split(' ') {
        let lower = token.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?") && lower.ends_with("?=") && token.len() > 12 {
            // White space between two encoded words is dropped (RFC 2047 §6.2), kept after plain text.
            if !out.is_empty() && !previous_was_word {
                out.push(' ');
            }
            let kind = lower.as_bytes()[8];
            let text = &token[10..token.len() - 2];
            let bytes = if kind == b'b' { base64_decode(text) } else { quoted_printable(&text.replace('_', " ")) };
            out.push_str(&String::from_utf8_lossy(&bytes));
            previous_was_word = true;
        } else {
            if !out.is_empty() || previous_was_word {
                out.push(' ');
            }
            out.push_str(token);
            previous_was_word = false;
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | u32::from(c);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.replace("=\r\n", "").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_encoded_words_and_bodies() {
        assert_eq!(decode_words("=?utf-8?b?SOG7kyBzxqE=?= 1"), "Hồ sơ 1");
        assert_eq!(decode_words("a: =?utf-8?b?SOG7kyBzxqE=?= =?utf-8?b?SOG7kyBzxqE=?="), "a: Hồ sơHồ sơ");
        assert_eq!(decode_words("=?utf-8?q?H=E1=BB=93_s=C6=A1?="), "Hồ sơ");
        assert_eq!(String::from_utf8(quoted_printable("H=E1=BB=93 s=\r\n=C6=A1")).unwrap(), "Hồ sơ");
        let mail = ReceivedMail {
            data: "Subject: plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSOG7kyBzxqE=\r\n".into(),
            ..ReceivedMail::default()
        };
        assert_eq!((mail.subject(), mail.body()), ("plain".to_owned(), "Hồ sơ".to_owned()));
    }
}
