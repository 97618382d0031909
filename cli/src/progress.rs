//! Progress on standard error: a bar at a terminal, plain lines (one every few seconds)
//! otherwise, in the words of the app's progress panel.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use conversation_export::engine::progress::{Stage, WaitReason};
use conversation_export::engine::Export;
use conversation_export::format;
use conversation_export::vendors::spec::Holds;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain line is written when standard error is not a terminal (a cron log).
const PLAIN_EVERY: Duration = Duration::from_secs(10);
/// How often the bar is redrawn.
const BAR_EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    started: Instant,
    last: Option<Instant>,
    last_line: String,
}

impl Progress {
    /// A bar when standard error is a terminal, plain lines otherwise, nothing when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::stderr());
            bar.set_style(style(false));
            bar
        });
        Progress {
            bar,
            plain: !quiet && !terminal,
            started: Instant::now(),
            last: None,
            last_line: String::new(),
        }
    }

    /// Shows where `export` is, at most every so often.
    pub fn update(&mut self, export: &Export) {
        let every = if self.bar.is_some() {
            BAR_EVERY
        } else {
            PLAIN_EVERY
        };
        if self.last.is_some_and(|last| last.elapsed() < every) {
            return;
        }
        self.last = Some(Instant::now());
        self.show(export);
    }

    fn show(&mut self, export: &Export) {
        let line = describe(export);
        if let Some(bar) = &self.bar {
            // A bar when the share done is known (a total, date windows); a spinner otherwise.
            match export.progress.fraction() {
                Some(fraction) => {
                    bar.set_style(style(true));
                    bar.set_position((fraction * 1000.0) as u64);
                }
                None => bar.tick(),
            }
            bar.set_message(line);
        } else if self.plain && line != self.last_line {
            eprintln!(
                "[{}] {line}",
                format::duration(self.started.elapsed().as_secs_f64() * 1000.0)
            );
            self.last_line = line;
        }
    }

    /// The last word: where the export ended.
    pub fn finish(&mut self, export: &Export) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.plain {
            self.last = None;
            self.show(export);
        }
    }
}

fn style(with_bar: bool) -> ProgressStyle {
    let template = if with_bar {
        "{spinner} {elapsed_precise} [{bar:30}] {wide_msg}"
    } else {
        "{spinner} {elapsed_precise} {wide_msg}"
    };
    ProgressStyle::with_template(template)
        .expect("the template is valid")
        .progress_chars("=> ")
}

/// "3,200 of 10,000 conversations · 21,400 messages · 33 requests", as the app says it.
pub fn describe(export: &Export) -> String {
    let progress = &export.progress;
    let name = export.vendor().spec().name;
    let stage = match progress.stage() {
        Stage::Listing {
            listed,
            total: Some(total),
        } => {
            format!(
                "{} of {} conversations",
                format::count(listed),
                format::count(total as usize)
            )
        }
        Stage::Listing {
            listed,
            total: None,
        } => format!("{} conversations", format::count(listed)),
        Stage::FollowUps { done, of } => format!(
            "messages of {} of {} conversations",
            format::count(done),
            format::count(of)
        ),
        Stage::Windows { done, of } => format!(
            "{} of {} date windows · {} conversations",
            format::count(done),
            format::count(of),
            format::count(progress.conversations)
        ),
    };
    // A vendor that lists messages streams them: they count as they arrive, as in the app.
    let messages = progress.messages
        + match export.vendor().spec().holds {
            Holds::Messages => progress.arriving,
            Holds::Conversations => 0,
        };
    let mut line = format!(
        "{name}: {stage} · {} messages · {} requests",
        format::count(messages),
        format::count(progress.requests as usize)
    );
    if progress.retries > 0 {
        line.push_str(&format!(
            " · {} retries",
            format::count(progress.retries as usize)
        ));
    }
    if let Some(waiting) = &progress.waiting {
        line.push_str(match waiting.reason {
            WaitReason::RateLimit => " · waiting: the vendor asked to slow down",
            WaitReason::Retry => " · waiting to try again",
        });
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use conversation_export::engine::Settings;
    use conversation_export::vendors::{ExportQuery, VendorId};

    fn counting(vendor: VendorId) -> String {
        let mut export: Export = Export::new(ExportQuery::new(vendor), Settings::default());
        export.progress.messages = 1_200;
        export.progress.arriving = 34;
        describe(&export)
    }

    #[test]
    fn streamed_messages_count_as_they_arrive() {
        assert!(counting(VendorId::Mindo).contains("1,234 messages"));
        assert!(
            counting(VendorId::Humind).contains("1,200 messages"),
            "a vendor that lists conversations: the rows arriving are not messages"
        );
    }
}
