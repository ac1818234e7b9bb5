"""Fine-Tune Studio: parse the flags, build the UI, launch. Nothing else.

    python app.py                      # http://127.0.0.1:7860, local mode
    python app.py --port 8000 --workshop
    python app.py --mode shared        # several people, one trainer: runs wait their turn

On a Hugging Face Space (SPACE_ID is set) the mode defaults to shared and the app binds 0.0.0.0.
"""

from __future__ import annotations

import argparse
import os

# Before torch is imported: idle OpenMP threads sleep instead of spinning; on a busy 2-core
# machine training steps ran 3-4x faster so (measured; see core/__main__.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


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
    p.add_argument("--allow-remote-code", action="store_true", default=os.environ.get("FTS_ALLOW_REMOTE_CODE") == "1",
                   help="shared/workshop mode: let visitors switch on model.trust_remote_code, which runs Python "
                        "shipped with a model on this server (off unless given; also FTS_ALLOW_REMOTE_CODE=1)")
    p.add_argument("--require-login", action="store_true", default=os.environ.get("FTS_REQUIRE_LOGIN") == "1",
                   help="only visitors signed in with Hugging Face may train; needs a Space with hf_oauth: true "
                        "(also FTS_REQUIRE_LOGIN=1)")
    args = p.parse_args(argv)
    if args.require_login and not _oauth_available():
        p.error("--require-login needs a Hugging Face Space with 'hf_oauth: true' in its README front matter "
                "(sign-in with Hugging Face only works there)")
    return args


def _oauth_available() -> bool:
    from ui.identity import oauth_available

    return oauth_available()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from core.train.job import reserve_cores
    from ui import (  # after parsing: --help stays instant
        AppSettings,
        build_app,
        launch_options,
    )
    from ui.identity import login_mode

    login = "required" if args.require_login else login_mode()
    settings = AppSettings(mode=args.mode, workshop=args.workshop, login=login,
                           allow_remote_code=args.allow_remote_code)
    reserve_cores(1)  # the web server keeps a core while a run trains (README: responsiveness)
    demo = build_app(settings)
    # _frontend=False skips Gradio's start-up self-check: one HEAD request with a 3 s timeout
    # that, on a busy machine (a workshop room's server, a loaded CI box), fails after the server
    # already answers and makes launch() exit with "localhost is not accessible".
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, prevent_thread_lock=True,
                _frontend=False, **launch_options(settings))
    # Serving already: load torch/transformers now, off the request path, so the first click
    # does not wait for them (and so handlers never import them from two threads at once).
    from core.heavy import warm_in_background

    warm_in_background()
    demo.block_thread()


if __name__ == "__main__":
    main()
