//! Runs journal-bench's print suite from this crate (the bench wires the same file into its
//! binary): `cargo run --release -p journal-print --example bench_print`.

#[path = "../../journal-bench/src/print_suite.rs"]
mod print_suite;

fn main() -> anyhow::Result<()> {
    for (name, value, unit) in print_suite::run()? {
        println!("{name} {value:.3} {unit}");
    }
    Ok(())
}
