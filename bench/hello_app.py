"""The reference for cold_start: a bare Gradio hello-world (gr.Blocks with one Textbox),
launched exactly like app.py: ``python bench/hello_app.py --port P``."""

from __future__ import annotations

import argparse

import gradio as gr


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    args = p.parse_args()
    with gr.Blocks(title="hello") as demo:
        gr.Textbox(label="hello")
    demo.launch(server_name=args.host, server_port=args.port)


if __name__ == "__main__":
    main()
