//! `datatool`: validate, generate, import and export Linli's dataset.
//!
//! Exit codes: 0 success; 1 the data has errors (reported line by line);
//! 2 the command could not run (bad arguments, unreadable files).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{NaiveDate, NaiveDateTime};
use clap::{Parser, Subcommand};
use linli_datatool::HOLIDAYS;
use linli_datatool::generate::generate;
use linli_datatool::import::{Crs, import_file};
use linli_datatool::publish::{Publication, publish};
use linli_datatool::validate::validate_path;
use linli_facilities::calendar::HolidayCalendar;
use linli_facilities::hours::Hours;

/// Tools for Linli's published facility dataset.
#[derive(Debug, Parser)]
#[command(name = "datatool", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every problem in a manifest's shards or in one shard.
    Validate {
        /// `manifest.json` or a `<code>.geojson` shard.
        path: PathBuf,
    },
    /// Generate the deterministic SAMPLE dataset as shards and a manifest.
    Generate {
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long)]
        seed: u64,
        /// Number of facilities.
        #[arg(long)]
        count: usize,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// The date the data is "as of" (YYYY-MM-DD): the newest verification
        /// and capacity dates. Fixed by default so that output is reproducible.
        #[arg(long, default_value = "2026-11-26")]
        as_of: NaiveDate,
    },
    /// Import a district list (CSV or XLSX with Chinese headers) into shards
    /// and a manifest, with a report of every rejected or flagged row.
    Import {
        /// The list: a .csv (UTF-8 or GB18030) or .xlsx file.
        file: PathBuf,
        /// The coordinate system of the list's longitude and latitude.
        #[arg(long, value_enum)]
        crs: Crs,
        /// A TOML file naming the list's column headers (see docs/dataset.md).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Output directory for shards, manifest and import-report.txt.
        #[arg(long)]
        out: PathBuf,
        /// The date the list was handed over (YYYY-MM-DD), used where the list
        /// has no date column; today (Beijing) by default.
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Mark the output as sample data (for test lists).
        #[arg(long)]
        sample: bool,
    },
    /// Measure each shard's size, raw and brotli-compressed.
    Size {
        /// The dataset's `manifest.json`.
        manifest: PathBuf,
    },
    /// Export the dataset as Open Referral HSDS 3.0 JSON.
    ExportHsds {
        /// The dataset's `manifest.json`.
        manifest: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Evaluate an opening_hours value at a time in Beijing (Asia/Shanghai).
    Hours {
        /// The OSM opening_hours value, e.g. "Mo-Fr 08:00-17:00; PH off".
        value: String,
        /// Local time, e.g. 2025-01-26T10:00.
        #[arg(long, value_parser = parse_local_time)]
        at: NaiveDateTime,
        /// A holiday calendar file instead of the bundled one.
        #[arg(long)]
        calendar: Option<PathBuf>,
    },
}

/// Today's date in Beijing (UTC+8), read from the system clock.
fn beijing_today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from((secs + 8 * 3600) / 86_400).unwrap_or(0);
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date") + chrono::Duration::days(days)
}

fn parse_local_time(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|e| format!("{s:?} is not a local time like 2025-01-26T10:00: {e}"))
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("datatool: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Validate { path } => {
            let report = validate_path(&path)?;
            for finding in &report.findings {
                println!("{finding}");
            }
            println!(
                "{} valid, {} skipped, {} problems",
                report.valid,
                report.skipped,
                report.findings.len()
            );
            Ok(if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Generate {
            seed,
            count,
            out,
            as_of,
        } => {
            let facilities = generate(seed, count, as_of);
            let about = Publication {
                dataset_version: format!("{as_of}-sample-s{seed}-n{count}"),
                generated_at: format!("{as_of}T00:00:00+08:00"),
                licence: "CC0-1.0".to_owned(),
                sample: true,
                description: "SAMPLE data generated by `datatool generate`: invented facilities placed in real Beijing sub-districts. 示例数据，并非真实设施。".to_owned(),
            };
            let manifest = publish(&facilities, &out, &about)
                .map_err(|e| format!("cannot write to {}: {e}", out.display()))?;
            println!(
                "wrote {} facilities in {} shards to {}",
                count,
                manifest.districts.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            file,
            crs,
            mapping,
            out,
            as_of,
            sample,
        } => {
            let as_of = as_of.unwrap_or_else(beijing_today);
            let import = import_file(&file, crs, mapping.as_deref(), as_of)?;
            let report = import.to_string();
            print!("{report}");
            let about = Publication {
                dataset_version: format!("{as_of}-import"),
                generated_at: format!("{as_of}T00:00:00+08:00"),
                licence: "CC-BY-4.0".to_owned(),
                sample,
                description: format!("Imported from {} by `datatool import`.", import.source),
            };
            publish(&import.facilities, &out, &about)
                .map_err(|e| format!("cannot write to {}: {e}", out.display()))?;
            std::fs::write(out.join("import-report.txt"), &report)
                .map_err(|e| format!("cannot write the report: {e}"))?;
            let (_, _, rejected, _) = import.counts();
            Ok(if rejected > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Size { manifest } => {
            println!("{}", linli_datatool::size::measure(&manifest)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportHsds { manifest, out } => {
            let summary = linli_datatool::hsds::export_hsds(&manifest, &out)?;
            println!("{summary}");
            // Skipped records are exported without; say so in the exit code too.
            Ok(if summary.skipped_records > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Hours {
            value,
            at,
            calendar,
        } => {
            let text = match calendar {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
                None => HOLIDAYS.to_owned(),
            };
            let calendar = HolidayCalendar::from_json(&text).map_err(|e| e.to_string())?;
            let hours = Hours::parse(&value, &calendar).map_err(|e| e.to_string())?;
            let status = hours.status(&calendar, at);
            println!("{}", status.state.as_str());
            match status.next_change {
                Some((when, state)) => println!(
                    "next change: {} -> {}",
                    when.format("%Y-%m-%dT%H:%M"),
                    state.as_str()
                ),
                None => println!(
                    "next change: none within {} days",
                    linli_facilities::hours::LOOKAHEAD_DAYS
                ),
            }
            if let Some(comment) = status.comment {
                println!("comment: {comment}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
