//! Conversations as people read them.

use crate::format;
use crate::model::Event;

/// One line for an interaction event: "Added to cart: Crème hydratante at 29.90".
pub fn describe_event(event: &Event) -> String {
    let product = event
        .product_title
        .clone()
        .or_else(|| event.product_id.as_ref().map(|id| format!("product {id}")))
        .unwrap_or_else(|| "a product".into());
    let price = event
        .price
        .map(|p| format!(" at {}", format::price(p)))
        .unwrap_or_default();
    match event.kind.as_str() {
        "add_product" => format!("Added to cart: {product}{price}"),
        "remove_product" => format!("Removed from cart: {product}{price}"),
        "open_product_page" => format!("Opened the product page: {product}"),
        "open_product_url" => format!("Opened the product link: {product}"),
        "click_support_button" => format!(
            "Clicked the support button: {}",
            event.button.as_deref().unwrap_or("unknown")
        ),
        other => format!("{other}: {product}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_sentences() {
        let added = Event {
            kind: "add_product".into(),
            product_title: Some("Crème hydratante".into()),
            price: Some(29.9),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&added),
            "Added to cart: Crème hydratante at 29.90"
        );
        let support = Event {
            kind: "click_support_button".into(),
            button: Some("email".into()),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&support),
            "Clicked the support button: email"
        );
        let opened = Event {
            kind: "open_product_page".into(),
            product_id: Some("p1".into()),
            ..Default::default()
        };
        assert_eq!(
            describe_event(&opened),
            "Opened the product page: product p1"
        );
    }
}
