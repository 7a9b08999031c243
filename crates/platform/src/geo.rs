//! Geographic primitives in WGS84 (EPSG:4326, longitude first as in GeoJSON).
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GeoError {
    #[error("longitude {0} is outside −180…180")]
    Longitude(f64),
    #[error("latitude {0} is outside −90…90")]
    Latitude(f64),
    #[error("bbox must be `minLon,minLat,maxLon,maxLat` with min ≤ max: {0}")]
    BBox(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    pub fn parse(lon: f64, lat: f64) -> Result<Point, GeoError> {
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(GeoError::Longitude(lon));
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(GeoError::Latitude(lat));
        }
        Ok(Point { lon, lat })
    }
    pub fn geojson(&self) -> serde_json::Value {
        serde_json::json!({ "type": "Point", "coordinates": [self.lon, self.lat] })
    }
    /// Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m).
    pub fn distance_m(&self, o: &Point) -> f64 {
        const R: f64 = 6_371_008.8;
        let (p1, p2) = (self.lat.to_radians(), o.lat.to_radians());
        let dp = p2 - p1;
        let dl = (o.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// Parses the OGC/GeoJSON `minLon,minLat,maxLon,maxLat` form.
    pub fn parse(s: &str) -> Result<BBox, GeoError> {
        let err = || GeoError::BBox(s.chars().take(80).collect());
        let v: Vec<f64> = s.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| err())?;
        let [a, b, c, d] = v[..] else { return Err(err()) };
        let (lo, hi) = (Point::parse(a, b).map_err(|_| err())?, Point::parse(c, d).map_err(|_| err())?);
        if lo.lon > hi.lon || lo.lat > hi.lat {
            return Err(err());
        }
        Ok(BBox { min_lon: a, min_lat: b, max_lon: c, max_lat: d })
    }
    pub fn contains(&self, p: &Point) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon) && (self.min_lat..=self.max_lat).contains(&p.lat)
    }
}

/// A GeoJSON Feature with a point geometry.
pub fn feature(id: impl Serialize, point: Option<&Point>, properties: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "type": "Feature",
        "id": id,
        "geometry": point.map(Point::geojson),
        "properties": properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn points_and_boxes() {
        assert!(Point::parse(2.35, 48.85).is_ok());
        assert_eq!(Point::parse(200.0, 0.0), Err(GeoError::Longitude(200.0)));
        assert!(Point::parse(0.0, f64::NAN).is_err());
        let b = BBox::parse("-5.2,41.3,9.6,51.1").unwrap();
        assert!(b.contains(&Point { lon: 2.35, lat: 48.85 }));
        assert!(BBox::parse("1,2,3").is_err());
        assert!(BBox::parse("3,2,1,4").is_err());
    }
    #[test]
    fn paris_lyon_distance() {
        let paris = Point { lon: 2.3522, lat: 48.8566 };
        let lyon = Point { lon: 4.8357, lat: 45.7640 };
        let d = paris.distance_m(&lyon) / 1000.0;
        assert!((390.0..394.0).contains(&d), "{d}");
    }
}
