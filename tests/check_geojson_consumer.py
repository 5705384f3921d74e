#!/usr/bin/env python3
"""Open a GeoJSON file written by conflict-risk with a real consumer (GDAL, through fiona)
and check that it is a WGS 84 point layer with a date-typed `time` field.

    cargo run --release --example export -- --geojson-out /tmp/demo.geojson
    python3 tests/check_geojson_consumer.py /tmp/demo.geojson 20003

Needs `pip install fiona` (its wheels carry GDAL). Exits non-zero on any failed check."""

import sys

import fiona


def main(path: str, expected: int) -> None:
    with fiona.open(path) as layer:
        schema = layer.schema
        crs = layer.crs.to_epsg() if hasattr(layer.crs, "to_epsg") else layer.crs
        print(f"driver {layer.driver}, {len(layer)} features, geometry {schema['geometry']}, CRS EPSG:{crs}")
        print(f"time field: {schema['properties'].get('time')}, date_end: {schema['properties'].get('date_end')}")
        assert layer.driver == "GeoJSON", layer.driver
        assert schema["geometry"] == "Point", schema["geometry"]
        assert crs == 4326, crs
        assert schema["properties"].get("time") == "date", schema["properties"].get("time")
        assert len(layer) == expected, (len(layer), expected)
        first = next(iter(layer))
        lon, lat = first.geometry.coordinates[:2]
        assert -180 <= lon <= 180 and -90 <= lat <= 90, (lon, lat)
        print(f"first feature: id {first.properties['id']} at ({lon}, {lat}) on {first.properties['time']}")
    print("ok: GDAL reads it as a point layer with a date field")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
