from panel.runtime.embedded_redis import redis_reachable, start_embedded_redis


def test_embedded_redis_starts_answers_and_stops(tmp_path):
    proc, url = start_embedded_redis(tmp_path)
    try:
        assert redis_reachable(url)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not redis_reachable(url)


def test_nothing_listening_is_not_reachable():
    assert not redis_reachable("redis://127.0.0.1:1/0", timeout=0.2)
