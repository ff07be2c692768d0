from getimg_studio.app import main

raise SystemExit(main())
