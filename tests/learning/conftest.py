"""Learning fixtures: Acme (tests/conftest.py) with a CE catalog and two people on its roster.
The clock stands at 2026-06-15 (Los Angeles)."""
import pytest


@pytest.fixture
def catalog(api):
    def item(code, credits, delivery="ilt", **extra):
        response = api.admin.post("/api/v1/ce-items", json={"code": code, "title": f"Course {code}",
                                                            "credits": credits, "delivery": delivery, **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return {"encor": item("ENCOR", 40, clc_category="instructor_led_training"), "python": item("PY-REV", 15, "digital"),
            "auto": item("AUTO", 30, "bootcamp"), "big": item("BIG", 64), "item": item}


@pytest.fixture
def roster(api, acme):
    carla = acme["carla"]

    def person(name, user=None):
        body = {"name": name, "email": f"{name.lower()}@acme.example"}
        if user is not None:
            body["user_id"] = user.user.id
        response = carla.post("/api/v1/people", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return {**acme, "pat": person("Pat", acme["mo"]), "quinn": person("Quinn"), "person": person}


def certify(actor, person_id, name="CCNP Enterprise", level="professional", earned_on="2024-03-01", **extra):
    response = actor.post(f"/api/v1/people/{person_id}/certifications",
                          json={"name": name, "level": level, "earned_on": earned_on, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def claim(actor, person_id, item_id, completed_on, code="VAL-1", expect=201):
    response = actor.post("/api/v1/ce-claims", json={"person_id": person_id, "ce_item_id": item_id,
                                                    "completed_on": completed_on, "validation_code": code})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def certifications(actor, person_id):
    response = actor.get(f"/api/v1/people/{person_id}/certifications")
    assert response.status_code == 200, response.get_json()
    return {row["name"]: row for row in response.get_json()["certifications"]}
