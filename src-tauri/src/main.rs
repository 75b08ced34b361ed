// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(message) = journal_app::run() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}
