from bp_desktop.app import main

raise SystemExit(main())
