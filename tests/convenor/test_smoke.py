async def test_login_page_renders(client):
    response = await client.get("/login")
    assert response.status_code == 200
    assert "Staff sign in" in response.text
