"""The one repository setting (_config.yml repository.url/branch) and what is written from it."""

import pytest

from geomem_nb import repository

SOURCES = sorted(repository.NOTEBOOKS.glob("[0-9]*.py"))


def test_the_setting_is_read_from_config():
    text = repository.CONFIG.read_text()
    assert f"url: {repository.REPO_URL}" in text and f"branch: {repository.BRANCH}" in text
    assert repository.slug().count("/") == 1


@pytest.mark.parametrize("py", SOURCES, ids=[p.stem for p in SOURCES])
def test_colab_link_and_install_line_follow_the_setting(py):
    found = repository.found(py)
    assert found["install"] == repository.expected(py)["install"], \
        f"{py.name}: run `python -m geomem_nb.repository --write`, then `make notebooks`"
    assert found["badge"] and found["badge"].endswith(f"({repository.colab_url(py.stem)})"), \
        f"{py.name}: run `python -m geomem_nb.repository --write`, then `make notebooks`"


def test_write_rewrites_badge_and_install_line(tmp_path, monkeypatch):
    src = SOURCES[0]
    copy = tmp_path / src.name
    copy.write_text(src.read_text().replace(repository.slug(), "someone/else"))
    assert repository.found(copy) != repository.expected(copy)
    assert repository.write(copy) and repository.found(copy) == repository.expected(copy)
    assert repository.expected(copy)["badge"].startswith(f"# [![Open In Colab]({repository.BADGE_IMAGE})]")


@pytest.mark.parametrize("bad", ["repository:\n  branch: main\n", "repository:\n  url: https://gitlab.com/a/b\n"])
def test_a_missing_or_non_github_url_is_refused(tmp_path, bad):
    cfg = tmp_path / "_config.yml"
    cfg.write_text("title: x\n" + bad)
    with pytest.raises(ValueError, match="repository.url"):
        repository.read(cfg)


def test_the_badge_image_ships_with_the_book():
    assert (repository.NOTEBOOKS / repository.BADGE_IMAGE).resolve().is_file()
