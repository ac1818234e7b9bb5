"""Fine-Tune Studio: parse the flags, build the UI, launch. Nothing else.

    python app.py                      # http://127.0.0.1:7860, local mode
    python app.py --port 8000 --workshop
    python app.py --mode shared        # several people, one trainer: runs wait their turn

On a Hugging Face Space (SPACE_ID is set) the mode defaults to shared and the app binds 0.0.0.0.
"""

from __future__ import annotations

import argparse
import os


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    on_space = bool(os.environ.get("SPACE_ID"))
    p = argparse.ArgumentParser(description="Fine-Tune Studio: fine-tune transformers step by step.")
    p.add_argument("--host", default="0.0.0.0" if on_space else "127.0.0.1",
                   help="address to bind (default 127.0.0.1; 0.0.0.0 on a Space)")
    p.add_argument("--port", type=int, default=7860, help="port to serve on (default 7860)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link (opt-in)")
    p.add_argument("--mode", choices=("local", "shared"), default="shared" if on_space else "local",
                   help="local: one user, a second run is refused while one trains; shared: runs queue "
                        "(default on a Space)")
    p.add_argument("--workshop", action="store_true", default=os.environ.get("FTS_WORKSHOP") == "1",
                   help="teaching mode: numbered steps, explanations open, safe ranges, the short guided "
                        "preset, no Hub push (also FTS_WORKSHOP=1)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from core.train.job import reserve_cores
    from ui import (  # after parsing: --help stays instant
        AppSettings,
        build_app,
        launch_options,
    )

    settings = AppSettings(mode=args.mode, workshop=args.workshop)
    reserve_cores(1)  # the web server keeps a core while a run trains (README: responsiveness)
    demo = build_app(settings)
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, prevent_thread_lock=True,
                **launch_options(settings))
    # Serving already: load torch/transformers now, off the request path, so the first click
    # does not wait for them (and so handlers never import them from two threads at once).
    from core.heavy import warm_in_background

    warm_in_background()
    demo.block_thread()


if __name__ == "__main__":
    main()
