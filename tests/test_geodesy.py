"""Great-circle distances and bearings against known values, at the antimeridian and poles."""

import math

import pytest

from heritage_sites import geodesy

R = geodesy.EARTH_RADIUS_M
QUARTER_MERIDIAN = math.pi * R / 2


def test_a_quarter_meridian_is_a_quarter_of_the_circumference():
    assert geodesy.distance_m(0, 0, 90, 0) == pytest.approx(QUARTER_MERIDIAN, rel=1e-12)
    assert geodesy.distance_m(0, 0, 0, 90) == pytest.approx(QUARTER_MERIDIAN, rel=1e-12)


def test_antipodes_are_half_the_circumference_apart():
    assert geodesy.distance_m(0, 0, 0, 180) == pytest.approx(math.pi * R, rel=1e-12)
    assert geodesy.distance_m(30, 20, -30, -160) == pytest.approx(math.pi * R, rel=1e-9)


def test_lax_to_jfk_matches_the_aviation_formulary():
    # Ed Williams' Aviation Formulary worked example: LAX (33°57'N 118°24'W) to
    # JFK (40°38'N 73°47'W): d = 0.623585 rad, initial true course 1.150035 rad (66°).
    lax = (33 + 57 / 60, -(118 + 24 / 60))
    jfk = (40 + 38 / 60, -(73 + 47 / 60))
    assert geodesy.distance_m(*lax, *jfk) == pytest.approx(0.623585 * R, rel=1e-5)
    assert geodesy.initial_bearing_deg(*lax, *jfk) == pytest.approx(
        math.degrees(1.150035), abs=0.01
    )


def test_crossing_the_antimeridian_is_the_short_way():
    # One degree of the equator, eastwards across 180°, not 359 degrees westwards.
    step = geodesy.leg(0, 179.5, 0, -179.5)
    assert step.distance_m == pytest.approx(math.pi * R / 180, rel=1e-9)
    assert step.bearing_deg == pytest.approx(90, abs=1e-9)
    back = geodesy.leg(0, -179.5, 0, 179.5)
    assert back.bearing_deg == pytest.approx(270, abs=1e-9)


def test_near_the_pole_the_way_goes_over_it():
    step = geodesy.leg(89.9, 0, 89.9, 180)
    assert step.distance_m == pytest.approx(0.2 * math.pi * R / 180, rel=1e-6)
    assert step.bearing_deg == pytest.approx(0, abs=1e-6)


def test_from_a_pole_every_way_is_south_or_north():
    assert geodesy.initial_bearing_deg(90, 0, 10, 123) == 180
    assert geodesy.initial_bearing_deg(-90, 0, 10, -45) == 0


def test_bearings_of_the_four_cardinal_directions():
    assert geodesy.initial_bearing_deg(10, 10, 20, 10) == pytest.approx(0)
    assert geodesy.initial_bearing_deg(10, 10, 0, 10) == pytest.approx(180)
    assert geodesy.initial_bearing_deg(0, 10, 0, 20) == pytest.approx(90)
    assert geodesy.initial_bearing_deg(0, 10, 0, 0) == pytest.approx(270)


def test_tiny_distances_keep_their_precision():
    # One metre north: the atan2 haversine does not lose it to rounding.
    one_metre = math.degrees(1 / R)
    assert geodesy.distance_m(40, 60, 40 + one_metre, 60) == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("bad", [(91, 0), (-91, 0), (0, 181), (math.nan, 0), (0, math.inf)])
def test_impossible_coordinates_are_refused_in_words(bad):
    with pytest.raises(ValueError, match=r"(Latitude|Longitude|finite)"):
        geodesy.distance_m(*bad, 0, 0)


def test_a_polygon_across_the_antimeridian_contains_its_inside_only():
    ring = [[179.9, -0.1], [-179.9, -0.1], [-179.9, 0.1], [179.9, 0.1], [179.9, -0.1]]
    assert geodesy.in_polygon(0, 180, ring)
    assert geodesy.in_polygon(0.05, -179.95, ring)
    assert geodesy.in_polygon(0.05, 179.95, ring)
    assert not geodesy.in_polygon(0, 0, ring)
    assert not geodesy.in_polygon(0, 179.5, ring)


def test_circle_zones_use_metres_on_the_ground():
    north_100m = math.degrees(100 / R)
    assert geodesy.in_circle(40 + north_100m * 0.99, 60, 40, 60, 100)
    assert not geodesy.in_circle(40 + north_100m * 1.01, 60, 40, 60, 100)


@pytest.mark.parametrize(
    ("ring", "message"),
    [
        ([[0, 0], [1, 1]], "at least three"),
        ([[0, 0], [1, 1], [2, "x"]], "Point 3"),
        ([[0, 0], [1, 1], [0, 95]], "Latitude"),
        ([[0, 0], [0, 0], [0, 0]], "distinct"),
        ("not a ring", "at least three"),
    ],
)
def test_bad_polygons_are_refused_with_the_point_named(ring, message):
    with pytest.raises(ValueError, match=message):
        geodesy.check_ring(ring)


def test_a_ring_is_closed_for_the_caller():
    assert geodesy.check_ring([[0, 0], [1, 0], [1, 1]])[-1] == [0.0, 0.0]
