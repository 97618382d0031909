//! "Test connection": one request for one record says whether the vendor answers at this
//! address and takes the key, and sends nothing else.

mod support;

use conversation_export::engine::probe;
use conversation_export::error::ErrorKind;
use conversation_export::vendors::{plan, VendorId};
use futures_executor::block_on;
use support::*;

#[test]
fn a_good_key_takes_one_request_and_a_wrong_one_says_so() {
    let world = world(60);
    for &vendor in VendorId::ALL {
        let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
        let first = plan(&query(vendor, filters)).remove(0);
        let transport = transport(&world);
        let answer = block_on(probe(
            vendor,
            first.clone(),
            &transport,
            &key(vendor),
            5_000,
        ));
        assert_eq!(answer, Ok(()), "{vendor}");
        assert_eq!(transport.request_count(), 1, "{vendor}: one request");
        let wrong = key_with(vendor, "not_a_key_this_vendor_knows_0000");
        let refused = block_on(probe(vendor, first, &transport, &wrong, 5_000)).unwrap_err();
        assert!(
            matches!(
                refused.problem.kind(),
                ErrorKind::Unauthorized | ErrorKind::Forbidden
            ),
            "{vendor}: {:?}",
            refused.problem
        );
        assert!(
            !refused.details().contains("not_a_key_this_vendor_knows"),
            "{vendor}: the key is not in the error"
        );
    }
}
