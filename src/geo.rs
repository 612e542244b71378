//! Browser adapter: the device's position, asked for only when the resident
//! taps "use my location". The position is used on the device and never
//! sent anywhere.

use futures::channel::oneshot;
use linli_facilities::geometry::LonLat;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A position from the browser, WGS-84 (the Geolocation API's datum).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Where the device is.
    pub position: LonLat,
    /// The radius of uncertainty, in metres.
    pub accuracy_m: f64,
}

/// Why no position could be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoError {
    /// The resident (or the browser's settings) refused.
    Denied,
    /// The device could not find its position.
    Unavailable,
    /// It took too long.
    Timeout,
    /// The browser has no geolocation at all.
    Unsupported,
}

/// Asks the browser for the current position, once.
pub async fn current_position() -> Result<Fix, GeoError> {
    let geolocation = web_sys::window()
        .and_then(|w| w.navigator().geolocation().ok())
        .ok_or(GeoError::Unsupported)?;
    let (tx, rx) = oneshot::channel::<Result<Fix, GeoError>>();
    let tx = std::rc::Rc::new(std::cell::RefCell::new(Some(tx)));
    let send = {
        let tx = tx.clone();
        move |result| {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(result);
            }
        }
    };
    // The callbacks read the objects' fields by name, which works for the
    // GeolocationPosition the browser passes under any interface name.
    let on_fix = {
        let send = send.clone();
        Closure::once(move |p: JsValue| {
            let coords = field(&p, "coords");
            let number = |name| field(&coords, name).as_f64();
            send(match (number("longitude"), number("latitude")) {
                (Some(lon), Some(lat)) if LonLat::new(lon, lat).is_valid() => Ok(Fix {
                    position: LonLat::new(lon, lat),
                    accuracy_m: number("accuracy").unwrap_or(f64::NAN),
                }),
                _ => Err(GeoError::Unavailable),
            });
        })
    };
    let on_error = Closure::once(move |e: JsValue| {
        // PositionError codes: 1 permission denied, 2 unavailable, 3 timeout.
        send(Err(match field(&e, "code").as_f64() {
            Some(1.0) => GeoError::Denied,
            Some(3.0) => GeoError::Timeout,
            _ => GeoError::Unavailable,
        }));
    });
    let options = web_sys::PositionOptions::new();
    options.set_timeout(15_000);
    // A recent fix: a resident who taps again after walking somewhere
    // expects where they are now, not a fix up to a minute old (10 s still
    // spares a second wait for a tap right after the first).
    options.set_maximum_age(10_000);
    geolocation
        .get_current_position_with_error_callback_and_options(
            on_fix.as_ref().unchecked_ref(),
            Some(on_error.as_ref().unchecked_ref()),
            &options,
        )
        .map_err(|_| GeoError::Unsupported)?;
    let result = rx.await.unwrap_or(Err(GeoError::Unavailable));
    drop((on_fix, on_error));
    result
}
