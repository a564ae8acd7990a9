from tests.factories import make_idea, make_user


def test_home_and_idea_pages_render(app, client):
    with app.app_context():
        idea = make_idea(author=make_user(role="designer"))
    assert client.get("/").status_code == 200
    page = client.get(f"/ideas/{idea.id}", follow_redirects=True)
    assert page.status_code == 200
    assert idea.title.encode() in page.data
