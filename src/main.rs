//! The app's entry point in the browser. On the host there is nothing to run: the library is
//! tested with `cargo test`, and the simulator has its own binary.

fn main() {
    #[cfg(target_arch = "wasm32")]
    conversation_export::ui::mount();
}
